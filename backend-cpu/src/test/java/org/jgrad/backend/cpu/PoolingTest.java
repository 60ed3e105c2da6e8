package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Tensor;
import org.jgrad.testkit.GradCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The fused max-pooling kernel equals core's composite (argmax + gather) on the reference backend, values and
 * gradients bit for bit, for ties (the first maximum takes the gradient), NaN and −∞ windows, padding, strides
 * and overlapping windows, transposed and narrowed inputs, F32 and F64, on one thread and on two.
 */
final class PoolingTest {
    private static final int THREADS_BEFORE = Parallel.threads();
    private static final Device CPU = Device.cpu(), REF = Device.reference();

    @AfterAll
    static void restoreThreads() {
        Parallel.setThreads(THREADS_BEFORE);
    }

    /** Values from a handful of levels, so most windows hold ties, with a sprinkle of NaN and ±∞. */
    private static Tensor input(SplittableRandom r, int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(40);
            v[i] = pick == 0 ? Double.NaN : pick == 1 ? Double.NEGATIVE_INFINITY : pick == 2 ? Double.POSITIVE_INFINITY
                    : r.nextInt(4);
        }
        return Tensor.of(v, shape);
    }

    private static void assertSame(Tensor expected, Tensor actual, String what) {
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++)
            assertEquals(e[i], a[i], 0, what + ": element " + i + ", composite " + e[i] + ", fused " + a[i]);
    }

    @Test
    void fusedMaxPoolGradientsAndSecondOrderGradientsPassTheFiniteDifferenceCheck() {
        // distinct values: central differences cannot see which of two tied elements takes the gradient
        double[] v = new double[2 * 3 * 5 * 6];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < v.length; i++) v[i] = i * 0.37 % 5 + r.nextDouble() * 0.001;      // at least 0.009 apart
        Tensor x = Tensor.of(v, 2, 3, 5, 6).to(CPU);
        for (int[][] q : new int[][][] {{{2, 2}, {2, 2}, {0, 0}}, {{3, 2}, {1, 2}, {1, 1}}}) {
            assertEquals("maxPool2d", Functional.maxPool2d(x.detach().requiresGrad(true), q[0], q[1], q[2]).gradFn());
            GradCheck.check(in -> Functional.maxPool2d(in[0], q[0], q[1], q[2]), x);
            GradCheck.checkGradGrad(in -> Functional.maxPool2d(in[0], q[0], q[1], q[2]), x);
        }
    }

    @Test
    void fusedMaxPoolEqualsTheCompositeWithTiesNanPaddingAndStridedInputsOnOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(20261127);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int round = 0; round < 60; round++) {
                int[] k = {r.nextInt(1, 4), r.nextInt(1, 4)}, s = {r.nextInt(1, 4), r.nextInt(1, 4)};
                // every 4th round unpadded with at least 16 windows a plane (F32: the vector path), and enough
                // planes that two threads split them
                boolean big = round % 4 == 0;
                int[] p = big ? new int[2] : new int[] {r.nextInt(k[0] / 2 + 1), r.nextInt(k[1] / 2 + 1)};
                int c = big ? 64 : r.nextInt(1, 4), h = k[0] + r.nextInt(big ? 12 : 0, 13), w = k[1] + r.nextInt(big ? 12 : 0, 13);
                DType t = round % 2 == 0 ? DType.F32 : DType.F64;
                int layout = r.nextInt(3);
                Tensor x = input(r, new int[] {2, c, h + 1, w + 1}).to(t);
                // dense, H and W swapped in the layout, or narrowed (offset and a row stride larger than W)
                Tensor xv = switch (layout) {
                    case 0 -> input(r, new int[] {2, c, h, w}).to(t);
                    case 1 -> input(r, new int[] {2, c, w, h}).to(t).transpose(2, 3);
                    default -> x.narrow(2, 1, h).narrow(3, 1, w);
                };
                String what = t + " x" + Arrays.toString(xv.shape()) + " layout " + layout + " kernel "
                        + Arrays.toString(k) + " stride " + Arrays.toString(s) + " padding "
                        + Arrays.toString(p) + " threads " + threads;
                equalsTheComposite(xv, k, s, p, round, what);
            }
        }
    }

    /**
     * Windows two wide at stride two (the even/odd-lane path): rows of fewer, exactly one and more than one vector of
     * windows (masked last blocks), odd widths, 2 and 3 rows a window, dense and narrowed F32 inputs.
     */
    @Test
    void pairWindowsEqualTheCompositeOnOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(2);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int w : new int[] {2, 15, 28, 32, 33, 70})
                for (int[] ks : new int[][] {{2, 2}, {3, 2}, {2, 1}}) {
                    int[] k = {ks[0], 2}, s = {ks[1], 2}, p = {0, 0};
                    Tensor dense = input(r, new int[] {2, 3, 7, w}).to(CPU).to(DType.F32);
                    Tensor narrowed = input(r, new int[] {2, 3, 9, w + 3}).to(CPU).to(DType.F32).narrow(2, 1, 7).narrow(3, 2, w);
                    for (Tensor xv : new Tensor[] {dense, narrowed})
                        equalsTheComposite(xv, k, s, p, w, "w " + w + " kernel " + Arrays.toString(k) + " stride "
                                + Arrays.toString(s) + " contiguous " + xv.isContiguous() + " threads " + threads);
                }
        }
    }

    /** Values and gradients (for a random output gradient) of the fused kernel and of the composite, bit for bit. */
    private static void equalsTheComposite(Tensor xv, int[] k, int[] s, int[] p, long seed, String what) {
        Tensor xc = xv.to(CPU).detach().requiresGrad(true), xr = xv.to(REF).detach().requiresGrad(true);
        Tensor fused = Functional.maxPool2d(xc, k, s, p), composite = Functional.maxPool2d(xr, k, s, p);
        assertEquals("maxPool2d", fused.gradFn(), "the fused node ran");
        assertSame(composite, fused, what);
        Tensor g = Tensor.randn(seed, fused.shape()).to(xv.dtype());
        fused.backward(g.to(CPU));
        composite.backward(g.to(REF));
        assertSame(xr.grad(), xc.grad(), what + " gradient");
    }
}
