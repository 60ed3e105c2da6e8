package org.jgrad.backend.cpu;

import static jdk.incubator.vector.VectorOperators.ABS;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NEG;
import static jdk.incubator.vector.VectorOperators.SQRT;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.jgrad.spi.UnaryOp;

/**
 * The unary kernels over a contiguous run, {@code out[oo + i] = f(x[xo + i])} for i < n, F32 and F64 (x and out may be
 * the same array at the same offset). exp, log, tanh, sigmoid, sin and cos are {@link VectorMath}'s, never the Vector
 * API's lanewise operators (SVML once C2 compiles them, Math per lane before: the bits would depend on JIT timing);
 * erf is the reference's algorithm in F64 lanes on VectorMath's exp. F32 sin, cos and erf go through chunks of
 * doubles. A run's tail goes through the same vector code under a mask, so an element's value never depends on
 * where it sits in the array.
 * <p>
 * Accuracy measured by TranscendentalTest against the reference backend (exact double math rounded once) on
 * 8193-point grids over [-20, 20] (exp: [-80, 80]; log: [1e-6, 1e4]; sin, cos: [-100, 100]) (AVX-512 EPYC, JDK 25.0.3):
 * F32 exp 1 ulp, log 1, tanh 2, sigmoid 2, sin 0, cos 0, erf 0; F64 exp 1, log 1, tanh 2, sigmoid 2, sin 1, cos 1,
 * erf 3 (the reference's algorithm: the gap is exp's last ulp, magnified near |x| = 2). The test asserts
 * {@value #MAX_ULPS} ulps; exp, log, sin and cos are within 1 ulp of StrictMath over their whole domains.
 */
final class Transcendental {
    /** The bound TranscendentalTest asserts for every function here, in ulps of the reference's result. */
    static final int MAX_ULPS = 4;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int F64_STEPS = 56, F64_TERMS = 32, F32_STEPS = 24, F32_TERMS = 22;
    private static final double SQRT_PI = Math.sqrt(Math.PI);

    private Transcendental() {
    }

    /** Dispatch once per run; each case is its own loop so that its operator is a compile-time constant. */
    static void unary(UnaryOp op, float[] x, int xo, float[] out, int oo, int n) {
        switch (op) {
            case NEG -> neg(x, xo, out, oo, n);
            case EXP -> exp(x, xo, out, oo, n);
            case LOG -> log(x, xo, out, oo, n);
            case SQRT -> sqrt(x, xo, out, oo, n);
            case ABS -> abs(x, xo, out, oo, n);
            case SIGN -> sign(x, xo, out, oo, n);
            case TANH -> tanh(x, xo, out, oo, n);
            case SIGMOID -> sigmoid(x, xo, out, oo, n);
            case RELU -> relu(x, xo, out, oo, n);
            case SIN -> sin(x, xo, out, oo, n);
            case COS -> cos(x, xo, out, oo, n);
            case ERF -> erf(x, xo, out, oo, n);
        }
    }

    static void neg(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) FloatVector.fromArray(F, x, xo + i).lanewise(NEG).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = -x[xo + i];
    }

    static void exp(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) VectorMath.exp(FloatVector.fromArray(F, x, xo + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorMath.exp(FloatVector.fromArray(F, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    static void log(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) VectorMath.log(FloatVector.fromArray(F, x, xo + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorMath.log(FloatVector.fromArray(F, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    static void sqrt(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) FloatVector.fromArray(F, x, xo + i).lanewise(SQRT).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = (float) Math.sqrt(x[xo + i]);
    }

    static void abs(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) FloatVector.fromArray(F, x, xo + i).lanewise(ABS).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.abs(x[xo + i]);
    }

    /** Math.signum: ±1, and zeros and NaN kept as they are. */
    static void sign(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            v.blend(1, v.compare(GT, 0)).blend(-1, v.compare(LT, 0)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = Math.signum(x[xo + i]);
    }

    static void tanh(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) VectorMath.tanh(FloatVector.fromArray(F, x, xo + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorMath.tanh(FloatVector.fromArray(F, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    static void sigmoid(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) VectorMath.sigmoid(FloatVector.fromArray(F, x, xo + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorMath.sigmoid(FloatVector.fromArray(F, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    /** x where x > 0, NaN kept, else +0. */
    static void relu(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            v.blend(0, v.compare(LE, 0)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = x[xo + i] > 0 || x[xo + i] != x[xo + i] ? x[xo + i] : 0;
    }

    /** Through the F64 kernel on a chunk of doubles, rounded once to float as the reference is. */
    static void sin(float[] x, int xo, float[] out, int oo, int n) {
        throughDoubles(x, xo, out, oo, n, (t, m) -> sin(t, 0, t, 0, m));
    }

    /** Through the F64 kernel on a chunk of doubles, rounded once to float as the reference is. */
    static void cos(float[] x, int xo, float[] out, int oo, int n) {
        throughDoubles(x, xo, out, oo, n, (t, m) -> cos(t, 0, t, 0, m));
    }

    /** Dispatch once per run; each case is its own loop so that its operator is a compile-time constant. */
    static void unary(UnaryOp op, double[] x, int xo, double[] out, int oo, int n) {
        switch (op) {
            case NEG -> neg(x, xo, out, oo, n);
            case EXP -> exp(x, xo, out, oo, n);
            case LOG -> log(x, xo, out, oo, n);
            case SQRT -> sqrt(x, xo, out, oo, n);
            case ABS -> abs(x, xo, out, oo, n);
            case SIGN -> sign(x, xo, out, oo, n);
            case TANH -> tanh(x, xo, out, oo, n);
            case SIGMOID -> sigmoid(x, xo, out, oo, n);
            case RELU -> relu(x, xo, out, oo, n);
            case SIN -> sin(x, xo, out, oo, n);
            case COS -> cos(x, xo, out, oo, n);
            case ERF -> erf(x, xo, out, oo, n);
        }
    }

    static void neg(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) DoubleVector.fromArray(D, x, xo + i).lanewise(NEG).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = -x[xo + i];
    }

    static void exp(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) VectorMath.exp(DoubleVector.fromArray(D, x, xo + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            VectorMath.exp(DoubleVector.fromArray(D, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    static void log(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) VectorMath.log(DoubleVector.fromArray(D, x, xo + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            VectorMath.log(DoubleVector.fromArray(D, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    static void sqrt(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) DoubleVector.fromArray(D, x, xo + i).lanewise(SQRT).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.sqrt(x[xo + i]);
    }

    static void abs(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) DoubleVector.fromArray(D, x, xo + i).lanewise(ABS).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.abs(x[xo + i]);
    }

    /** Math.signum: ±1, and zeros and NaN kept as they are. */
    static void sign(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, xo + i);
            v.blend(1, v.compare(GT, 0)).blend(-1, v.compare(LT, 0)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = Math.signum(x[xo + i]);
    }

    static void tanh(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) VectorMath.tanh(DoubleVector.fromArray(D, x, xo + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            VectorMath.tanh(DoubleVector.fromArray(D, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    static void sigmoid(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) VectorMath.sigmoid(DoubleVector.fromArray(D, x, xo + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            VectorMath.sigmoid(DoubleVector.fromArray(D, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    /** x where x > 0, NaN kept, else +0. */
    static void relu(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, xo + i);
            v.blend(0, v.compare(LE, 0)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = x[xo + i] > 0 || x[xo + i] != x[xo + i] ? x[xo + i] : 0;
    }

    static void sin(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) VectorMath.sin(DoubleVector.fromArray(D, x, xo + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            VectorMath.sin(DoubleVector.fromArray(D, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    static void cos(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) VectorMath.cos(DoubleVector.fromArray(D, x, xo + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            VectorMath.cos(DoubleVector.fromArray(D, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    /**
     * F32 erf through the F64 lanes on chunks of doubles, rounded once to float as the reference is; float needs
     * fewer terms: {@value #F32_STEPS} fraction steps and {@value #F32_TERMS} series terms reach 2^-32 at |x| = 2.
     */
    static void erf(float[] x, int xo, float[] out, int oo, int n) {
        throughDoubles(x, xo, out, oo, n, (t, m) -> erf(t, 0, t, 0, m, F32_STEPS, F32_TERMS));
    }

    /** F64 erf: {@value #F64_STEPS} fraction steps and {@value #F64_TERMS} series terms reach 1e-17 at |x| = 2. */
    static void erf(double[] x, int xo, double[] out, int oo, int n) {
        erf(x, xo, out, oo, n, F64_STEPS, F64_TERMS);
    }

    private static void erf(double[] x, int xo, double[] out, int oo, int n, int steps, int terms) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) erf(DoubleVector.fromArray(D, x, xo + i), steps, terms).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            erf(DoubleVector.fromArray(D, x, xo + i, m), steps, terms).intoArray(out, oo + i, m);
        }
    }

    /** An F64 kernel over a run of doubles in place: {@code run(t, m)} replaces t[0, m) by f(t[0, m)). */
    private interface DoubleRun {
        void run(double[] t, int m);
    }

    /** out = f(x) for an F32 run through an F64 kernel on chunks of doubles, each result rounded once to float. */
    private static void throughDoubles(float[] x, int xo, float[] out, int oo, int n, DoubleRun f) {
        double[] t = new double[Math.min(n, Elementwise.CHUNK)];
        for (int i = 0; i < n; i += t.length) {
            int m = Math.min(t.length, n - i);
            for (int j = 0; j < m; j++) t[j] = x[xo + i + j];
            f.run(t, m);
            for (int j = 0; j < m; j++) out[oo + i + j] = (float) t[j];
        }
    }

    /**
     * The reference backend's erf in every lane with fixed counts: {@code terms} series terms below |x| = 2 (where the
     * series converges slowest, at 2) and {@code steps} continued-fraction steps from 2 on (where the fraction converges
     * slowest, at 2); each branch runs only when some lane needs it, in the reference's order of operations, so the
     * two differ by little more than their exp. |x| is clamped at 6, where the fraction already rounds to 1. The sign
     * goes back by its bit, so erf(−0) = −0.
     */
    private static DoubleVector erf(DoubleVector x, int steps, int terms) {
        DoubleVector a = x.lanewise(ABS).min(6.0), e = VectorMath.exp(a.mul(a).neg());
        VectorMask<Double> far = a.compare(GE, 2.0);
        DoubleVector r = DoubleVector.zero(D);
        if (far.anyTrue()) {
            DoubleVector f = a;
            for (int k = steps; k >= 1; k--) f = a.add(DoubleVector.broadcast(D, k / 2.0).div(f));
            r = e.div(SQRT_PI).div(f).lanewise(NEG).add(1.0);
        }
        if (!far.allTrue()) {
            DoubleVector term = a, sum = a, x2 = a.mul(a).mul(2.0);
            for (int k = 1; k <= terms; k++) {
                term = term.mul(x2.div(2 * k + 1));          // divided, not multiplied by 1/(2k+1): the reference's roundings
                sum = sum.add(term);
            }
            r = r.blend(e.mul(2 / SQRT_PI).mul(sum), far.not());
        }
        return r.reinterpretAsLongs().or(x.reinterpretAsLongs().and(Long.MIN_VALUE)).reinterpretAsDoubles();
    }
}
