package org.jgrad;

import java.util.Arrays;

/** Message pieces shared by every error, so all ops describe tensors the same way. */
final class Errors {
    private Errors() {
    }

    static String shape(int[] shape) {
        return Arrays.toString(shape);
    }

    /** "tensor [3, 4] F32" */
    static String describe(Tensor t) {
        return "tensor " + shape(t.layout.shape()) + " " + t.dtype();
    }

    static IllegalArgumentException arg(String op, String message) {
        return new IllegalArgumentException(op + ": " + message);
    }

    /** Normalizes a possibly negative axis, or fails naming the op, the axis and the rank. */
    static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw arg(op, "axis " + axis + " is out of range for a tensor of rank " + rank
                    + " (expected " + (rank == 0 ? "no axis" : -rank + " to " + (rank - 1)) + ")");
        return a;
    }
}
