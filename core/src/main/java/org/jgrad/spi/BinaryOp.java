package org.jgrad.spi;

/**
 * Elementwise primitives of two operands of the same dtype and shape: {@code out[i] = f(a[i], b[i])}.
 * Comparisons write a BOOL output; the others write the operands' dtype. MAX and MIN propagate NaN.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, LT, LE, GT, GE, EQ, NE;

    /** True for the ops whose output is a BOOL mask. */
    public boolean isComparison() {
        return switch (this) {
            case LT, LE, GT, GE, EQ, NE -> true;
            case ADD, SUB, MUL, DIV, POW, MAX, MIN -> false;
        };
    }
}
