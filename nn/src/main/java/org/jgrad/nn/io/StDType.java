package org.jgrad.nn.io;

import org.jgrad.DType;

/**
 * The dtypes the safetensors format defines, with the jgrad dtype each loads as. F32, F64, I32, I8 and BOOL map
 * to themselves. Loading also converts where no value can change unnoticed: F16 and BF16 widen exactly to F32;
 * U8, I16, U16, U32, I64 and U64 become I32, each value range-checked (PyTorch stores counters such as
 * BatchNorm's {@code num_batches_tracked} as I64). The 8-, 6- and 4-bit floats and C64 are refused.
 */
enum StDType {
    BOOL(1, DType.BOOL), U8(1, DType.I32), I8(1, DType.I8), I16(2, DType.I32), U16(2, DType.I32),
    F16(2, DType.F32), BF16(2, DType.F32), I32(4, DType.I32), U32(4, DType.I32), F32(4, DType.F32),
    I64(8, DType.I32), U64(8, DType.I32), F64(8, DType.F64),
    F8_E4M3(1, null), F8_E5M2(1, null), F8_E8M0(1, null), F6_E2M3(1, null), F6_E3M2(1, null), F4(1, null),
    C64(8, null);

    /** Bytes per element (the sub-byte floats are refused before their size matters). */
    final int bytes;
    /** What a tensor of this dtype loads as; null when jgrad refuses it. */
    final DType loadsAs;

    StDType(int bytes, DType loadsAs) {
        this.bytes = bytes;
        this.loadsAs = loadsAs;
    }

    /** The format's name for {@code s}, or null when the format has none. */
    static StDType named(String s) {
        for (StDType t : values()) if (t.name().equals(s)) return t;
        return null;
    }

    /** How a jgrad dtype is written: always as itself, so a save and load give back the same dtype. */
    static StDType of(DType t) {
        return switch (t) {
            case F32 -> F32;
            case F64 -> F64;
            case I32 -> I32;
            case I8 -> I8;
            case BOOL -> BOOL;
        };
    }
}
