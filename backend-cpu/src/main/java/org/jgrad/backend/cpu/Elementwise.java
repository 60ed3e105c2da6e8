package org.jgrad.backend.cpu;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.jgrad.spi.BinaryOp;
import org.jgrad.spi.UnaryOp;

/**
 * Elementwise kernels over one run of a {@link Strided} walk, F32 and F64: {@code o} is an operand's position of the
 * run's first element and {@code s} its stride along the run. A run whose operands are contiguous (or, for binary
 * ops, broadcast scalars, stride 0) goes straight to the vector loop; any other is gathered in chunks into a
 * contiguous scratch array, computed by the same vector loop and scattered back, so every layout gets the same
 * numbers as the contiguous one.
 */
final class Elementwise {
    /** Scratch chunk for strided runs: small enough for L1, long enough to amortise the vector loop's tail. */
    static final int CHUNK = 1024;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /**
     * Bytes of a BOOL mask, as many lanes as F's and as D's; null where no byte vector has that many lanes (fewer than
     * 8: D on a 256-bit machine, both on a 128-bit one), and the mask loops then go element by element.
     */
    private static final VectorSpecies<Byte> MF = bytesFor(F.length()), MD = bytesFor(D.length());

    private static VectorSpecies<Byte> bytesFor(int lanes) {
        return lanes * 8 < 64 ? null : VectorSpecies.of(byte.class, VectorShape.forBitSize(lanes * 8));
    }

    private Elementwise() {
    }

    /** out = op(x) over a run. */
    static void unary(UnaryOp op, float[] x, int xo, int xs, float[] out, int oo, int os, int n) {
        if (xs == 1 && os == 1) {
            Transcendental.unary(op, x, xo, out, oo, n);
            return;
        }
        float[] t = new float[Math.min(n, CHUNK)];
        for (int i = 0; i < n; i += t.length) {
            int m = Math.min(t.length, n - i);
            for (int j = 0; j < m; j++) t[j] = x[xo + (i + j) * xs];
            Transcendental.unary(op, t, 0, t, 0, m);
            for (int j = 0; j < m; j++) out[oo + (i + j) * os] = t[j];
        }
    }

    /** out = op(a, b) over a run, for the ops that keep the operands' dtype. */
    static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int os, int n) {
        if (os == 1 && as <= 1 && bs <= 1) {
            binary(op, a, ao, as, b, bo, bs, out, oo, n);
            return;
        }
        float[] ta = new float[Math.min(n, CHUNK)], tb = new float[ta.length];
        for (int i = 0; i < n; i += ta.length) {
            int m = Math.min(ta.length, n - i);
            for (int j = 0; j < m; j++) {
                ta[j] = a[ao + (i + j) * as];
                tb[j] = b[bo + (i + j) * bs];
            }
            binary(op, ta, 0, 1, tb, 0, 1, ta, 0, m);
            for (int j = 0; j < m; j++) out[oo + (i + j) * os] = ta[j];
        }
    }

    /** Dispatch once per run; a and b have stride 0 or 1, out stride 1. */
    private static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        switch (op) {
            case ADD -> add(a, ao, as, b, bo, bs, out, oo, n);
            case SUB -> sub(a, ao, as, b, bo, bs, out, oo, n);
            case MUL -> mul(a, ao, as, b, bo, bs, out, oo, n);
            case DIV -> div(a, ao, as, b, bo, bs, out, oo, n);
            case MAX -> max(a, ao, as, b, bo, bs, out, oo, n);
            case MIN -> min(a, ao, as, b, bo, bs, out, oo, n);
            // pow in double, rounded once, exactly as the reference: a vector pow would cost accuracy for little gain
            case POW -> { for (int i = 0; i < n; i++) out[oo + i] = (float) Math.pow(a[ao + i * as], b[bo + i * bs]); }
            case LT, LE, GT, GE, EQ, NE -> throw new IllegalArgumentException("cpu backend: " + op + " writes a BOOL mask");
        }
    }

    private static FloatVector load(float[] a, int o, int s, int i) {
        return s == 0 ? FloatVector.broadcast(F, a[o]) : FloatVector.fromArray(F, a, o + i);
    }

    static void add(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) load(a, ao, as, i).add(load(b, bo, bs, i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i * as] + b[bo + i * bs];
    }

    static void sub(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) load(a, ao, as, i).sub(load(b, bo, bs, i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i * as] - b[bo + i * bs];
    }

    static void mul(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) load(a, ao, as, i).mul(load(b, bo, bs, i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i * as] * b[bo + i * bs];
    }

    static void div(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) load(a, ao, as, i).div(load(b, bo, bs, i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i * as] / b[bo + i * bs];
    }

    /** Math.max: NaN if either is NaN, as the SPI asks. */
    static void max(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) load(a, ao, as, i).max(load(b, bo, bs, i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]);
    }

    static void min(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) load(a, ao, as, i).min(load(b, bo, bs, i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.min(a[ao + i * as], b[bo + i * bs]);
    }

    /** out = (a op b) ? 1 : 0 into a BOOL run: vector compares where a and b have stride 0 or 1 and out 1. */
    static void compare(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, byte[] out, int oo, int os, int n) {
        if (os != 1 || as > 1 || bs > 1) {
            for (int i = 0; i < n; i++) {
                float x = a[ao + i * as], y = b[bo + i * bs];
                boolean r = switch (op) {
                    case LT -> x < y;
                    case LE -> x <= y;
                    case GT -> x > y;
                    case GE -> x >= y;
                    case EQ -> x == y;
                    case NE -> x != y;
                    case ADD, SUB, MUL, DIV, POW, MAX, MIN -> throw new IllegalArgumentException("cpu backend: " + op + " is no comparison");
                };
                out[oo + i * os] = (byte) (r ? 1 : 0);
            }
            return;
        }
        switch (op) {
            case LT -> lt(a, ao, as, b, bo, bs, out, oo, n);
            case LE -> le(a, ao, as, b, bo, bs, out, oo, n);
            case GT -> gt(a, ao, as, b, bo, bs, out, oo, n);
            case GE -> ge(a, ao, as, b, bo, bs, out, oo, n);
            case EQ -> eq(a, ao, as, b, bo, bs, out, oo, n);
            case NE -> ne(a, ao, as, b, bo, bs, out, oo, n);
            case ADD, SUB, MUL, DIV, POW, MAX, MIN -> throw new IllegalArgumentException("cpu backend: " + op + " is no comparison");
        }
    }

    static void lt(float[] a, int ao, int as, float[] b, int bo, int bs, byte[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) store(load(a, ao, as, i).compare(LT, load(b, bo, bs, i)), out, oo + i);
        for (; i < n; i++) out[oo + i] = (byte) (a[ao + i * as] < b[bo + i * bs] ? 1 : 0);
    }

    static void le(float[] a, int ao, int as, float[] b, int bo, int bs, byte[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) store(load(a, ao, as, i).compare(LE, load(b, bo, bs, i)), out, oo + i);
        for (; i < n; i++) out[oo + i] = (byte) (a[ao + i * as] <= b[bo + i * bs] ? 1 : 0);
    }

    static void gt(float[] a, int ao, int as, float[] b, int bo, int bs, byte[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) store(load(a, ao, as, i).compare(GT, load(b, bo, bs, i)), out, oo + i);
        for (; i < n; i++) out[oo + i] = (byte) (a[ao + i * as] > b[bo + i * bs] ? 1 : 0);
    }

    static void ge(float[] a, int ao, int as, float[] b, int bo, int bs, byte[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) store(load(a, ao, as, i).compare(GE, load(b, bo, bs, i)), out, oo + i);
        for (; i < n; i++) out[oo + i] = (byte) (a[ao + i * as] >= b[bo + i * bs] ? 1 : 0);
    }

    static void eq(float[] a, int ao, int as, float[] b, int bo, int bs, byte[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) store(load(a, ao, as, i).compare(EQ, load(b, bo, bs, i)), out, oo + i);
        for (; i < n; i++) out[oo + i] = (byte) (a[ao + i * as] == b[bo + i * bs] ? 1 : 0);
    }

    static void ne(float[] a, int ao, int as, float[] b, int bo, int bs, byte[] out, int oo, int n) {
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) store(load(a, ao, as, i).compare(NE, load(b, bo, bs, i)), out, oo + i);
        for (; i < n; i++) out[oo + i] = (byte) (a[ao + i * as] != b[bo + i * bs] ? 1 : 0);
    }

    /** out = m ? a : b over a run; dense runs (a, b possibly broadcast scalars) as vector blends, not branches. */
    static void where(byte[] m, int mo, int ms, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int os, int n) {
        int i = 0;
        if (MF != null && ms == 1 && os == 1 && as <= 1 && bs <= 1)
            for (; i < F.loopBound(n); i += F.length()) {
                VectorMask<Float> k = ByteVector.fromArray(MF, m, mo + i).compare(NE, 0).cast(F);
                load(b, bo, bs, i).blend(load(a, ao, as, i), k).intoArray(out, oo + i);
            }
        for (; i < n; i++) out[oo + i * os] = m[mo + i * ms] != 0 ? a[ao + i * as] : b[bo + i * bs];
    }

    /** dst += src over a run, in order: dst positions within one run are distinct whenever its stride is not 0. */
    static void accumulate(float[] s, int so, int ss, float[] d, int dO, int ds, int n) {
        if (ss == 1 && ds == 1) {
            add(d, dO, 1, s, so, 1, d, dO, n);
            return;
        }
        for (int i = 0; i < n; i++) d[dO + i * ds] += s[so + i * ss];
    }

    static void fill(float[] d, int dO, int ds, int n, float v) {
        if (ds == 1) java.util.Arrays.fill(d, dO, dO + n, v);
        else for (int i = 0; i < n; i++) d[dO + i * ds] = v;
    }

    /** out = op(x) over a run. */
    static void unary(UnaryOp op, double[] x, int xo, int xs, double[] out, int oo, int os, int n) {
        if (xs == 1 && os == 1) {
            Transcendental.unary(op, x, xo, out, oo, n);
            return;
        }
        double[] t = new double[Math.min(n, CHUNK)];
        for (int i = 0; i < n; i += t.length) {
            int m = Math.min(t.length, n - i);
            for (int j = 0; j < m; j++) t[j] = x[xo + (i + j) * xs];
            Transcendental.unary(op, t, 0, t, 0, m);
            for (int j = 0; j < m; j++) out[oo + (i + j) * os] = t[j];
        }
    }

    /** out = op(a, b) over a run, for the ops that keep the operands' dtype. */
    static void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] out, int oo, int os, int n) {
        if (os == 1 && as <= 1 && bs <= 1) {
            binary(op, a, ao, as, b, bo, bs, out, oo, n);
            return;
        }
        double[] ta = new double[Math.min(n, CHUNK)], tb = new double[ta.length];
        for (int i = 0; i < n; i += ta.length) {
            int m = Math.min(ta.length, n - i);
            for (int j = 0; j < m; j++) {
                ta[j] = a[ao + (i + j) * as];
                tb[j] = b[bo + (i + j) * bs];
            }
            binary(op, ta, 0, 1, tb, 0, 1, ta, 0, m);
            for (int j = 0; j < m; j++) out[oo + (i + j) * os] = ta[j];
        }
    }

    /** Dispatch once per run; a and b have stride 0 or 1, out stride 1. */
    private static void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] out, int oo, int n) {
        switch (op) {
            case ADD -> add(a, ao, as, b, bo, bs, out, oo, n);
            case SUB -> sub(a, ao, as, b, bo, bs, out, oo, n);
            case MUL -> mul(a, ao, as, b, bo, bs, out, oo, n);
            case DIV -> div(a, ao, as, b, bo, bs, out, oo, n);
            case MAX -> max(a, ao, as, b, bo, bs, out, oo, n);
            case MIN -> min(a, ao, as, b, bo, bs, out, oo, n);
            // pow in double, rounded once, exactly as the reference: a vector pow would cost accuracy for little gain
            case POW -> { for (int i = 0; i < n; i++) out[oo + i] = Math.pow(a[ao + i * as], b[bo + i * bs]); }
            case LT, LE, GT, GE, EQ, NE -> throw new IllegalArgumentException("cpu backend: " + op + " writes a BOOL mask");
        }
    }

    private static DoubleVector load(double[] a, int o, int s, int i) {
        return s == 0 ? DoubleVector.broadcast(D, a[o]) : DoubleVector.fromArray(D, a, o + i);
    }

    static void add(double[] a, int ao, int as, double[] b, int bo, int bs, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) load(a, ao, as, i).add(load(b, bo, bs, i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i * as] + b[bo + i * bs];
    }

    static void sub(double[] a, int ao, int as, double[] b, int bo, int bs, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) load(a, ao, as, i).sub(load(b, bo, bs, i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i * as] - b[bo + i * bs];
    }

    static void mul(double[] a, int ao, int as, double[] b, int bo, int bs, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) load(a, ao, as, i).mul(load(b, bo, bs, i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i * as] * b[bo + i * bs];
    }

    static void div(double[] a, int ao, int as, double[] b, int bo, int bs, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) load(a, ao, as, i).div(load(b, bo, bs, i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i * as] / b[bo + i * bs];
    }

    /** Math.max: NaN if either is NaN, as the SPI asks. */
    static void max(double[] a, int ao, int as, double[] b, int bo, int bs, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) load(a, ao, as, i).max(load(b, bo, bs, i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]);
    }

    static void min(double[] a, int ao, int as, double[] b, int bo, int bs, double[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) load(a, ao, as, i).min(load(b, bo, bs, i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.min(a[ao + i * as], b[bo + i * bs]);
    }

    /** out = (a op b) ? 1 : 0 into a BOOL run: vector compares where a and b have stride 0 or 1 and out 1. */
    static void compare(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, byte[] out, int oo, int os, int n) {
        if (os != 1 || as > 1 || bs > 1) {
            for (int i = 0; i < n; i++) {
                double x = a[ao + i * as], y = b[bo + i * bs];
                boolean r = switch (op) {
                    case LT -> x < y;
                    case LE -> x <= y;
                    case GT -> x > y;
                    case GE -> x >= y;
                    case EQ -> x == y;
                    case NE -> x != y;
                    case ADD, SUB, MUL, DIV, POW, MAX, MIN -> throw new IllegalArgumentException("cpu backend: " + op + " is no comparison");
                };
                out[oo + i * os] = (byte) (r ? 1 : 0);
            }
            return;
        }
        switch (op) {
            case LT -> lt(a, ao, as, b, bo, bs, out, oo, n);
            case LE -> le(a, ao, as, b, bo, bs, out, oo, n);
            case GT -> gt(a, ao, as, b, bo, bs, out, oo, n);
            case GE -> ge(a, ao, as, b, bo, bs, out, oo, n);
            case EQ -> eq(a, ao, as, b, bo, bs, out, oo, n);
            case NE -> ne(a, ao, as, b, bo, bs, out, oo, n);
            case ADD, SUB, MUL, DIV, POW, MAX, MIN -> throw new IllegalArgumentException("cpu backend: " + op + " is no comparison");
        }
    }

    static void lt(double[] a, int ao, int as, double[] b, int bo, int bs, byte[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) store(load(a, ao, as, i).compare(LT, load(b, bo, bs, i)), out, oo + i);
        for (; i < n; i++) out[oo + i] = (byte) (a[ao + i * as] < b[bo + i * bs] ? 1 : 0);
    }

    static void le(double[] a, int ao, int as, double[] b, int bo, int bs, byte[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) store(load(a, ao, as, i).compare(LE, load(b, bo, bs, i)), out, oo + i);
        for (; i < n; i++) out[oo + i] = (byte) (a[ao + i * as] <= b[bo + i * bs] ? 1 : 0);
    }

    static void gt(double[] a, int ao, int as, double[] b, int bo, int bs, byte[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) store(load(a, ao, as, i).compare(GT, load(b, bo, bs, i)), out, oo + i);
        for (; i < n; i++) out[oo + i] = (byte) (a[ao + i * as] > b[bo + i * bs] ? 1 : 0);
    }

    static void ge(double[] a, int ao, int as, double[] b, int bo, int bs, byte[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) store(load(a, ao, as, i).compare(GE, load(b, bo, bs, i)), out, oo + i);
        for (; i < n; i++) out[oo + i] = (byte) (a[ao + i * as] >= b[bo + i * bs] ? 1 : 0);
    }

    static void eq(double[] a, int ao, int as, double[] b, int bo, int bs, byte[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) store(load(a, ao, as, i).compare(EQ, load(b, bo, bs, i)), out, oo + i);
        for (; i < n; i++) out[oo + i] = (byte) (a[ao + i * as] == b[bo + i * bs] ? 1 : 0);
    }

    static void ne(double[] a, int ao, int as, double[] b, int bo, int bs, byte[] out, int oo, int n) {
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) store(load(a, ao, as, i).compare(NE, load(b, bo, bs, i)), out, oo + i);
        for (; i < n; i++) out[oo + i] = (byte) (a[ao + i * as] != b[bo + i * bs] ? 1 : 0);
    }

    /** out = mask ? a : b over a run. */
    static void where(byte[] m, int mo, int ms, double[] a, int ao, int as, double[] b, int bo, int bs, double[] out, int oo, int os, int n) {
        int i = 0;
        if (MD != null && ms == 1 && os == 1 && as <= 1 && bs <= 1)
            for (; i < D.loopBound(n); i += D.length()) {
                VectorMask<Double> k = ByteVector.fromArray(MD, m, mo + i).compare(NE, 0).cast(D);
                load(b, bo, bs, i).blend(load(a, ao, as, i), k).intoArray(out, oo + i);
            }
        for (; i < n; i++) out[oo + i * os] = m[mo + i * ms] != 0 ? a[ao + i * as] : b[bo + i * bs];
    }

    /** dst += src over a run, in order: dst positions within one run are distinct whenever its stride is not 0. */
    static void accumulate(double[] s, int so, int ss, double[] d, int dO, int ds, int n) {
        if (ss == 1 && ds == 1) {
            add(d, dO, 1, s, so, 1, d, dO, n);
            return;
        }
        for (int i = 0; i < n; i++) d[dO + i * ds] += s[so + i * ss];
    }

    static void fill(double[] d, int dO, int ds, int n, double v) {
        if (ds == 1) java.util.Arrays.fill(d, dO, dO + n, v);
        else for (int i = 0; i < n; i++) d[dO + i * ds] = v;
    }

    /** Byte lanes 1, as many as F's and as D's (null with their species): the BOOL true of a stored mask. */
    private static final ByteVector ONE_F = MF == null ? null : ByteVector.broadcast(MF, 1),
            ONE_D = MD == null ? null : ByteVector.broadcast(MD, 1);

    /**
     * The lane mask as 0/1 bytes: cast to the byte species of as many lanes and one vector store (a mask cast and a
     * masked move, both single instructions with AVX-512), where a loop over its bits stored a byte at a time.
     */
    private static void store(VectorMask<?> m, byte[] out, int at) {
        ByteVector one = m.length() == F.length() ? ONE_F : ONE_D;
        if (one == null) {
            for (int l = 0; l < m.length(); l++) out[at + l] = (byte) (m.laneIsSet(l) ? 1 : 0);
            return;
        }
        ByteVector.zero(one.species()).blend(one, m.cast(one.species())).intoArray(out, at);
    }
}
