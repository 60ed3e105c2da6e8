package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jgrad.DType;
import org.jgrad.spi.Backend;
import org.jgrad.spi.BinaryOp;
import org.jgrad.spi.Distribution;
import org.jgrad.spi.Layout;
import org.jgrad.spi.ReduceOp;
import org.jgrad.spi.ReferenceBackend;
import org.jgrad.spi.UnaryOp;
import org.jgrad.spi.View;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the registry's small inputs do not reach: lengths past the parallel grain (100 003 elements, split over the
 * pool at 2 threads), transposed and broadcast operands of that size, long sums, and Philox draws, each against the
 * reference backend.
 */
final class KernelsTest {
    static final int N = 100_003;
    private static final int THREADS_BEFORE = Parallel.threads();
    private final Backend cpu = new CpuBackend();
    private final Backend ref = new ReferenceBackend();

    @AfterAll
    static void restoreThreads() {
        Parallel.setThreads(THREADS_BEFORE);
    }

    /** Every unary and binary op on 100 003 elements (F32 and F64) agrees with the reference to a few ulps. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void bigElementwiseOpsMatchTheReference(int threads) {
        Parallel.setThreads(threads);
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            double[] x = values(N, 1, -4, 4), y = values(N, 2, 0.5, 3);
            for (UnaryOp op : UnaryOp.values()) {
                double[] in = op == UnaryOp.LOG || op == UnaryOp.SQRT ? y : x;
                assertClose(t + " " + op, run(ref, t, in, op), run(cpu, t, in, op), Transcendental.MAX_ULPS);
            }
            for (BinaryOp op : BinaryOp.values()) {
                DType o = op.isComparison() ? DType.BOOL : t;
                assertClose(t + " " + op, binary(ref, t, o, x, y, op), binary(cpu, t, o, x, y, op), 1);
            }
        }
    }

    /** NaN, ±0, ±∞ and ties through every unary op, binary op and cast: the same results as the reference's. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void specialValuesMatchTheReference(int threads) {
        Parallel.setThreads(threads);
        double[] s = {Double.NaN, 0.0, -0.0, 1, -1, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2.5, -2.5, 1e-40};
        int n = s.length * s.length;
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = s[i / s.length];
            y[i] = s[i % s.length];
        }
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            for (UnaryOp op : UnaryOp.values()) assertClose(t + " " + op, run(ref, t, x, op), run(cpu, t, x, op), 1);
            for (BinaryOp op : BinaryOp.values()) {
                DType o = op.isComparison() ? DType.BOOL : t;
                assertClose(t + " " + op, binary(ref, t, o, x, y, op), binary(cpu, t, o, x, y, op), 0);
            }
            for (DType to : DType.values()) {
                View a = upload(ref, t, x, Layout.contiguous(n)), b = upload(cpu, t, x, Layout.contiguous(n));
                View ra = new View(ref.allocate(to, n), Layout.contiguous(n)), cb = new View(cpu.allocate(to, n), Layout.contiguous(n));
                ref.copy(a, ra);
                cpu.copy(b, cb);
                assertArrayEquals(download(ref, ra), download(cpu, cb), t + " to " + to);
            }
        }
    }

    /** Sums and extremes of [317, 316] over each axis and of the whole, contiguous and transposed, F32 and F64. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void bigReductionsMatchTheReference(int threads) {
        Parallel.setThreads(threads);
        double[] x = values(317 * 316, 3, -1, 1);
        for (DType t : new DType[] {DType.F32, DType.F64})
            for (ReduceOp op : ReduceOp.values())
                for (int[] strides : new int[][] {{316, 1}, {1, 317}})
                    for (int dims = 1; dims <= 2; dims++) {
                        Layout l = new Layout(new int[] {317, 316}, strides, 0);
                        String what = t + " " + op + " strides " + Arrays.toString(strides) + " over " + dims;
                        assertClose(what, reduce(ref, t, x, l, op, dims), reduce(cpu, t, x, l, op, dims), 0, 1e-5);
                    }
    }

    /** 10^7 × 0.1f sums in F32 to within 1e-5 of the exact sum of those floats: the blocked pairwise sum at work. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void f32SumOfTenMillionTenthsIsAccurate(int threads) {
        Parallel.setThreads(threads);
        float[] x = new float[10_000_000];
        Arrays.fill(x, 0.1f);
        View out = new View(cpu.allocate(DType.F32, 1), Layout.contiguous());
        cpu.reduce(ReduceOp.SUM, new View(cpu.upload(DType.F32, x), Layout.contiguous(x.length)), 1, out);
        double exact = 1e7 * (double) 0.1f, got = ((float[]) cpu.download(out.storage()))[0];
        assertTrue(Math.abs(got - exact) <= 1e-5 * exact, "sum " + got + ", exact " + exact);
    }

    /** A long F32 sum, whole and per row, gives the same bits on 1 and on 2 threads: block boundaries never move. */
    @Test
    void sumsAreBitIdenticalOnOneAndTwoThreads() {
        double[] x = values(1 << 20, 5, -1, 1);
        double[][] got = new double[2][];
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            double[] whole = reduce(cpu, DType.F32, x, Layout.contiguous(x.length), ReduceOp.SUM, 1);
            double[] rows = reduce(cpu, DType.F32, x, Layout.contiguous(16, x.length / 16), ReduceOp.SUM, 1);
            got[threads - 1] = new double[] {whole[0], rows[0], rows[15]};
        }
        assertArrayEquals(got[0], got[1]);
    }

    /** Uniform and normal draws, F32 and F64, into a contiguous and a transposed view, equal the reference's bits. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void randomDrawsAreBitIdenticalToTheReference(int threads) {
        Parallel.setThreads(threads);
        for (DType t : new DType[] {DType.F32, DType.F64})
            for (Distribution d : Distribution.values())
                for (int[] strides : new int[][] {{103, 1}, {1, 101}}) {
                    Layout l = new Layout(new int[] {101, 103}, strides, 0);
                    assertArrayEquals(draw(ref, t, d, l), draw(cpu, t, d, l), t + " " + d + " " + Arrays.toString(strides));
                }
    }

    /** gather along both axes, and copies of transposed views (the tiled path), past the grain, F32 and F64. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void bigGatherAndTransposedCopyMatchTheReference(int threads) {
        Parallel.setThreads(threads);
        double[] x = values(317 * 316, 4, -1, 1);
        for (int axis = 0; axis < 2; axis++)
            assertArrayEquals(gather(ref, x, axis), gather(cpu, x, axis), "gather axis " + axis);
        Layout tr = new Layout(new int[] {316, 317}, new int[] {1, 316}, 0);
        Layout batched = new Layout(new int[] {3, 70, 50}, new int[] {3500, 1, 70}, 7);   // [3, 50, 70] with its last two dims swapped
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            assertArrayEquals(copy(ref, t, x, tr), copy(cpu, t, x, tr), t + " transpose");
            assertArrayEquals(copy(ref, t, x, batched), copy(cpu, t, x, batched), t + " batched transpose");
        }
    }

    /**
     * accumulate through a convolution's window view (col2im: [G, C/G, KH, KW, N, OH, OW] over a padded input, with
     * stride, dilation and groups), from a contiguous and from a permuted src: bit for bit the reference's sums,
     * whichever disjoint dimensions the walk puts outermost and splits over threads. The copy out of the same view
     * (im2col) too. Rows of OW = 3, 8, 14, 16 and 38 elements: shorter than a vector, whole F64 or F32 vectors, and
     * whole vectors with a masked tail.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void convolutionWindowAccumulateIsTheReferenceBitForBit(int threads) {
        Parallel.setThreads(threads);
        // {n, c, groups, hp, wp, kh, kw, sh, sw, dh, dw}
        int[][] cases = {{9, 6, 1, 16, 16, 3, 3, 1, 1, 1, 1}, {5, 8, 2, 13, 11, 3, 2, 2, 1, 1, 2}, {3, 4, 4, 20, 9, 5, 3, 3, 2, 2, 1},
                {2, 3, 1, 7, 40, 3, 3, 1, 1, 1, 1}, {3, 2, 1, 6, 18, 3, 3, 1, 1, 1, 1}, {2, 3, 1, 5, 10, 1, 3, 1, 1, 1, 1},
                {4, 2, 1, 5, 5, 2, 3, 1, 1, 1, 1}};
        for (int[] q : cases) {
            int n = q[0], c = q[1], g = q[2], hp = q[3], wp = q[4], kh = q[5], kw = q[6], sh = q[7], sw = q[8], dh = q[9], dw = q[10];
            int cg = c / g, oh = (hp - dh * (kh - 1) - 1) / sh + 1, ow = (wp - dw * (kw - 1) - 1) / sw + 1;
            int[] shape = {g, cg, kh, kw, n, oh, ow};
            Layout window = new Layout(shape, new int[] {cg * hp * wp, hp * wp, dh * wp, dw, c * hp * wp, sh * wp, sw}, 0);
            Layout contiguous = Layout.contiguous(shape);
            // the same values laid out [N, OH, OW, G, C/G, KH, KW] in memory, read in window order
            int[] st = new int[7], memoryOrder = {4, 5, 6, 0, 1, 2, 3};
            for (int k = 6, step = 1; k >= 0; k--) {
                st[memoryOrder[k]] = step;
                step *= shape[memoryOrder[k]];
            }
            Layout permuted = new Layout(shape, st, 0);
            for (DType t : new DType[] {DType.F32, DType.F64})
                for (Layout src : new Layout[] {contiguous, permuted}) {
                    double[] s = values(contiguous.numel(), 5, -1, 1), d = values(n * c * hp * wp, 6, -1, 1);
                    assertArrayEquals(accumulate(ref, t, s, src, d, window), accumulate(cpu, t, s, src, d, window),
                            t + " " + Arrays.toString(q) + " src strides " + Arrays.toString(src.strides()));
                    assertArrayEquals(copy(ref, t, d, window), copy(cpu, t, d, window), t + " " + Arrays.toString(q) + " im2col");
                }
        }
    }

    private static double[] accumulate(Backend b, DType t, double[] s, Layout src, double[] d, Layout window) {
        View dst = upload(b, t, d, Layout.contiguous(d.length));
        b.accumulate(upload(b, t, s, src), new View(dst.storage(), window));
        return download(b, dst);
    }

    static double[] values(int n, long seed, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextDouble(lo, hi);
        return v;
    }

    private static View upload(Backend b, DType t, double[] x, Layout l) {
        Object data = t == DType.F32 ? toFloat(x) : x.clone();
        return new View(b.upload(t, data), l);
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    static double[] download(Backend b, View v) {
        Object a = b.download(v.storage());
        return switch (v.dtype()) {
            case F32 -> { float[] f = (float[]) a; double[] d = new double[f.length]; for (int i = 0; i < f.length; i++) d[i] = f[i]; yield d; }
            case F64 -> (double[]) a;
            case I32 -> Arrays.stream((int[]) a).asDoubleStream().toArray();
            case I8, BOOL -> { byte[] f = (byte[]) a; double[] d = new double[f.length]; for (int i = 0; i < f.length; i++) d[i] = f[i]; yield d; }
        };
    }

    static double[] run(Backend b, DType t, double[] x, UnaryOp op) {
        View out = new View(b.allocate(t, x.length), Layout.contiguous(x.length));
        b.unary(op, upload(b, t, x, Layout.contiguous(x.length)), out);
        return download(b, out);
    }

    /** a op b with b broadcast along rows ([N/7·7] as [k, 7] against a row of 7) and a read transposed, then contiguous. */
    private static double[] binary(Backend b, DType t, DType o, double[] x, double[] y, BinaryOp op) {
        int rows = x.length / 7;
        View a = upload(b, t, x, new Layout(new int[] {rows, 7}, new int[] {1, rows}, 0));
        View bb = upload(b, t, y, new Layout(new int[] {rows, 7}, new int[] {0, 1}, 3));
        View out = new View(b.allocate(o, rows * 7), Layout.contiguous(rows, 7));
        b.binary(op, a, bb, out);
        View out2 = new View(b.allocate(o, x.length), Layout.contiguous(x.length));
        b.binary(op, upload(b, t, x, Layout.contiguous(x.length)), upload(b, t, y, Layout.contiguous(x.length)), out2);
        double[] r1 = download(b, out), r2 = download(b, out2), all = Arrays.copyOf(r1, r1.length + r2.length);
        System.arraycopy(r2, 0, all, r1.length, r2.length);
        return all;
    }

    private static double[] reduce(Backend b, DType t, double[] x, Layout l, ReduceOp op, int dims) {
        int[] outShape = Arrays.copyOf(l.shape(), l.rank() - dims);
        DType o = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? DType.I32 : t;
        View out = new View(b.allocate(o, Layout.numel(outShape)), Layout.contiguous(outShape));
        b.reduce(op, upload(b, t, x, l), dims, out);
        return download(b, out);
    }

    private static double[] draw(Backend b, DType t, Distribution d, Layout l) {
        View out = new View(b.allocate(t, l.numel()), l);
        b.random(d, 0x5EEDL, 12345, out);
        return download(b, out);
    }

    private static double[] gather(Backend b, double[] x, int axis) {
        SplittableRandom r = new SplittableRandom(axis);
        int[] ix = new int[317 * 316];
        for (int i = 0; i < ix.length; i++) ix[i] = r.nextInt(axis == 0 ? 317 : 316);
        View out = new View(b.allocate(DType.F32, ix.length), Layout.contiguous(317, 316));
        b.gather(upload(b, DType.F32, x, Layout.contiguous(317, 316)), axis,
                new View(b.upload(DType.I32, ix), Layout.contiguous(317, 316)), out);
        return download(b, out);
    }

    private static double[] copy(Backend b, DType t, double[] x, Layout from) {
        View out = new View(b.allocate(t, from.numel()), Layout.contiguous(from.shape()));
        b.copy(upload(b, t, x, from), out);
        return download(b, out);
    }

    static void assertClose(String what, double[] expected, double[] actual, int ulps) {
        assertClose(what, expected, actual, ulps, 0);
    }

    /** |a − e| ≤ ulps·ulp(e) + rel·max|e| elementwise (ulps of F32 when the values are floats), NaN only against NaN. */
    static void assertClose(String what, double[] expected, double[] actual, int ulps, double rel) {
        assertEquals(expected.length, actual.length, what);
        double scale = Arrays.stream(expected).filter(Double::isFinite).map(Math::abs).max().orElse(0);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) || Double.isNaN(a) || e == a) {
                assertEquals(Double.isNaN(e), Double.isNaN(a), what + " at " + i + ": expected " + e + ", got " + a);
                continue;
            }
            double tol = ulps * (what.startsWith("F32") ? Math.ulp((float) e) : Math.ulp(e)) + rel * scale;
            assertTrue(Math.abs(a - e) <= tol, what + " at " + i + ": expected " + e + ", got " + a + " (tolerance " + tol + ")");
        }
    }
}
