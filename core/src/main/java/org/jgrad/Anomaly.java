package org.jgrad;

/** The checks of {@link Grad#detectAnomaly()}: the first op to turn finite values into NaN/Inf is named. */
final class Anomaly {
    private Anomaly() {
    }

    static void checkForward(String op, Tensor out, Tensor[] inputs) {
        int bad = firstNonFinite(out);
        if (bad < 0) return;
        for (Tensor t : inputs) if (firstNonFinite(t) >= 0) return;
        throw new ArithmeticException("anomaly: the forward of " + op + " produced " + out.toDoubleArray()[bad]
                + " at flat index " + bad + " of its output " + Errors.describe(out) + " from finite inputs");
    }

    static void checkBackward(String op, Tensor g, Tensor[] grads) {
        if (firstNonFinite(g) >= 0) return;
        for (int i = 0; i < grads.length; i++) {
            int bad = grads[i] == null ? -1 : firstNonFinite(grads[i]);
            if (bad >= 0)
                throw new ArithmeticException("anomaly: the backward of " + op + " produced "
                        + grads[i].toDoubleArray()[bad] + " at flat index " + bad + " of the gradient of input " + i
                        + " " + Errors.describe(grads[i]) + " from a finite output gradient");
        }
    }

    private static int firstNonFinite(Tensor t) {
        if (!t.dtype().isFloating()) return -1;
        double[] v;
        try (var quiet = Grad.setAnomaly(false)) {     // reading an F32 tensor casts it: that cast must not check again
            v = t.toDoubleArray();
        }
        for (int i = 0; i < v.length; i++) if (!Double.isFinite(v[i])) return i;
        return -1;
    }
}
