package org.jgrad;

/**
 * Element types. Floating types carry gradients; integer types hold indices, labels and quantized data;
 * {@code BOOL} holds the masks that comparisons produce.
 */
public enum DType {
    F32(4, true), F64(8, true), I32(4, false), I8(1, false), BOOL(1, false);

    private final int bytes;
    private final boolean floating;

    DType(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** True for F32 and F64, the types autograd differentiates. */
    public boolean isFloating() {
        return floating;
    }

    /** The type both operands of a binary op are converted to: the wider of the two, by declaration order. */
    public static DType promote(DType a, DType b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(DType t) {
        return switch (t) {
            case BOOL -> 0;
            case I8 -> 1;
            case I32 -> 2;
            case F32 -> 3;
            case F64 -> 4;
        };
    }
}
