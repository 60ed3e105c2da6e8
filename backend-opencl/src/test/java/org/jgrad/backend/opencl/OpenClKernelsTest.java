package org.jgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.BiConsumer;
import org.jgrad.DType;
import org.jgrad.spi.Backend;
import org.jgrad.spi.BinaryOp;
import org.jgrad.spi.Layout;
import org.jgrad.spi.ReduceOp;
import org.jgrad.spi.ReferenceBackend;
import org.jgrad.spi.Storage;
import org.jgrad.spi.UnaryOp;
import org.jgrad.spi.View;
import org.junit.jupiter.api.Test;

/**
 * The kernels' hard cases, straight through the SPI against the reference backend: overlapping accumulation (strided
 * lines and convolution windows), duplicate scatter indices, saturating and NaN conversions, reductions longer than a work group
 * with ties and NaN, products whose sizes are not multiples of the work group, and the clear errors.
 */
final class OpenClKernelsTest {
    private final Backend ref = new ReferenceBackend();

    /** Runs {@code op} on the same uploaded operands on both backends and compares every operand afterwards. */
    private void same(String what, BiConsumer<Backend, Storage[]> op, double tol, DType[] types, Object... data) {
        OpenClBackend cl = OpenClTests.backend();
        Storage[] r = new Storage[data.length], c = new Storage[data.length];
        for (int k = 0; k < data.length; k++) {
            r[k] = ref.upload(types[k], data[k]);
            c[k] = cl.upload(types[k], data[k]);
        }
        op.accept(ref, r);
        op.accept(cl, c);
        for (int k = 0; k < data.length; k++) {
            double[] e = doubles(ref.download(r[k])), a = doubles(cl.download(c[k]));
            for (int i = 0; i < e.length; i++)
                assertTrue(e[i] == a[i] || Math.abs(e[i] - a[i]) <= tol * Math.max(1, Math.abs(e[i]))
                        || Double.isNaN(e[i]) && Double.isNaN(a[i]),
                        what + ": operand " + k + " element " + i + ": " + a[i] + ", expected " + e[i]);
        }
    }

    private static double[] doubles(Object a) {
        return switch (a) {
            case float[] f -> { double[] d = new double[f.length]; for (int i = 0; i < f.length; i++) d[i] = f[i]; yield d; }
            case double[] d -> d;
            case int[] n -> Arrays.stream(n).asDoubleStream().toArray();
            case byte[] b -> { double[] d = new double[b.length]; for (int i = 0; i < b.length; i++) d[i] = b[i]; yield d; }
            default -> throw new IllegalArgumentException(a.getClass().toString());
        };
    }

    private static View v(Storage s, int[] shape, int[] strides, int offset) {
        return new View(s, new Layout(shape, strides, offset));
    }

    private static View v(Storage s, int... shape) {
        return new View(s, Layout.contiguous(shape));
    }

    private static float[] ramp(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) Math.sin(i * 0.37) * 3;
        return f;
    }

    @Test
    void accumulateAddsUpEveryContributionToOverlappingPositions() {
        // dst [40, 30] with strides (1, 1): position p receives every (i, j) with i + j = p.
        int[] shape = {40, 30}, overlap = {1, 1};
        BiConsumer<Backend, Storage[]> acc = (b, s) -> b.accumulate(v(s[0], shape), v(s[1], shape, overlap, 2));
        same("F32", acc, 1e-5, new DType[] {DType.F32, DType.F32}, ramp(1200), new float[80]);
        double[] d = new double[1200];
        Arrays.setAll(d, i -> i * 0.5);
        same("F64", acc, 0, new DType[] {DType.F64, DType.F64}, d, new double[80]);
        int[] n = new int[1200];
        Arrays.setAll(n, i -> i - 600);
        same("I32", acc, 0, new DType[] {DType.I32, DType.I32}, n, new int[80]);
        // Every element into one position (stride 0): one work item gathers them all. Ones add up exactly in F32.
        int many = 1 << 16;
        float[] ones = new float[many];
        Arrays.fill(ones, 1);
        BiConsumer<Backend, Storage[]> all = (b, s) -> b.accumulate(v(s[0], many), v(s[1], new int[] {many}, new int[] {0}, 0));
        same("F32 into one position", all, 0, new DType[] {DType.F32, DType.F32}, ones, new float[1]);
        // Strides 2 and 3 into one line: positions reached by several (i, j), by one, and by none (1), which keeps its value.
        float[] line = ramp(40);
        same("strides 2 and 3, unreached positions kept", (b, s) -> b.accumulate(v(s[0], 5, 4),
                v(s[1], new int[] {5, 4}, new int[] {2, 3}, 1)), 1e-5, new DType[] {DType.F32, DType.F32}, ramp(20), line);
    }

    /**
     * The adjoint of conv2d's im2col windows, as core's conv2d gradient produces it: windows [N, C, OH, OW, KH, KW] of a
     * padded [N, C, HP, WP] input with stride below the kernel (overlapping), dilation, and a src that is itself a
     * strided (permuted) view, F32 and F64.
     */
    @Test
    void accumulateIntoOverlappingConvolutionWindows() {
        int n = 3, c = 2, h = 9, w = 8, pad = 1, hp = h + 2 * pad, wp = w + 2 * pad;
        for (int[] sd : new int[][] {{1, 1}, {2, 1}, {1, 2}, {2, 2}}) {
            int stride = sd[0], dil = sd[1], k = 3, span = dil * (k - 1) + 1;
            int oh = (hp - span) / stride + 1, ow = (wp - span) / stride + 1;
            int[] shape = {n, c, oh, ow, k, k};
            int[] windows = {c * hp * wp, hp * wp, stride * wp, stride, dil * wp, dil};
            // src laid out as [KH, KW, C, N, OH, OW] (im2col's column order), viewed in the windows' order
            int[] srcStrides = {oh * ow, n * oh * ow, ow, 1, k * c * n * oh * ow, c * n * oh * ow};
            int count = n * c * oh * ow * k * k, size = n * c * hp * wp + 3;
            String what = "stride " + stride + " dilation " + dil;
            BiConsumer<Backend, Storage[]> acc = (b, s) -> b.accumulate(v(s[0], shape, srcStrides, 0), v(s[1], shape, windows, 3));
            same(what + " F32", acc, 1e-5, new DType[] {DType.F32, DType.F32}, ramp(count), ramp(size));
            double[] x = new double[count], dst = new double[size];
            Arrays.setAll(x, i -> Math.cos(i * 0.21));
            Arrays.setAll(dst, i -> i * 0.125);
            same(what + " F64", acc, 1e-13, new DType[] {DType.F64, DType.F64}, x, dst);
        }
    }

    @Test
    void scatterAddAccumulatesDuplicateIndicesAlongEitherAxis() {
        int[] index = new int[6 * 50];
        Arrays.setAll(index, i -> (i * 7) % 3);
        same("axis 1", (b, s) -> b.scatterAdd(v(s[0], 6, 3), 1, v(s[1], 6, 50), v(s[2], 6, 50)), 1e-5,
                new DType[] {DType.F32, DType.I32, DType.F32}, new float[18], index, ramp(300));
        same("axis 0 into a transposed dst", (b, s) -> b.scatterAdd(v(s[0], new int[] {3, 6}, new int[] {1, 3}, 0), 0,
                v(s[1], 50, 6), v(s[2], 50, 6)), 1e-5, new DType[] {DType.F32, DType.I32, DType.F32}, new float[18], index, ramp(300));
        // dst's rows alias one another (stride 0): lines collide, so one work item walks them all.
        same("into a dst that overlaps itself", (b, s) -> b.scatterAdd(v(s[0], new int[] {6, 3}, new int[] {0, 1}, 0), 1,
                v(s[1], 6, 50), v(s[2], 6, 50)), 1e-5, new DType[] {DType.F32, DType.I32, DType.F32}, new float[3], index, ramp(300));
    }

    @Test
    void copyTruncatesSaturatesAndMapsNonZeroToTrue() {
        float[] f = {1.9f, -1.9f, 3e9f, -3e9f, Float.NaN, Float.POSITIVE_INFINITY, 200.7f, -200.7f, 0f, -0f, 0.25f};
        int n = f.length;
        for (DType to : new DType[] {DType.I32, DType.I8, DType.BOOL, DType.F64}) {
            Object out = switch (to) {
                case I32 -> new int[n];
                case F64 -> new double[n];
                default -> new byte[n];
            };
            same("F32 to " + to, (b, s) -> b.copy(v(s[0], n), v(s[1], n)), 0, new DType[] {DType.F32, to}, f, out);
        }
        same("I32 to I8 and back to F32", (b, s) -> {
            b.copy(v(s[0], 4), v(s[1], 4));
            b.copy(v(s[1], 4), v(s[2], 4));
        }, 0, new DType[] {DType.I32, DType.I8, DType.F32}, new int[] {300, -300, 5, -5}, new byte[4], new float[4]);
    }

    @Test
    void integerAndBoolArithmeticSaturatesAndDividesAsTheReference() {
        int[] a = {7, -7, 100, -100, 0, 3, 2_000_000_000, -5}, b = {2, 2, 100, 3, 0, 0, 2_000_000_000, -5};
        byte[] a8 = {7, -7, 100, -100, 0, 3, 127, -5}, b8 = {2, 2, 100, 3, 0, 0, 1, -5};
        int n = a.length;
        for (BinaryOp op : BinaryOp.values()) {
            DType out = op.isComparison() ? DType.BOOL : null;
            same("I32 " + op, (bk, s) -> bk.binary(op, v(s[0], n), v(s[1], n), v(s[2], n)), 0,
                    new DType[] {DType.I32, DType.I32, out == null ? DType.I32 : out}, a, b, out == null ? new int[n] : new byte[n]);
            same("I8 " + op, (bk, s) -> bk.binary(op, v(s[0], n), v(s[1], n), v(s[2], n)), 0,
                    new DType[] {DType.I8, DType.I8, out == null ? DType.I8 : out}, a8, b8, new byte[n]);
        }
        for (UnaryOp op : new UnaryOp[] {UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SIGN, UnaryOp.RELU})
            same("I8 " + op, (bk, s) -> bk.unary(op, v(s[0], n), v(s[1], n)), 0, new DType[] {DType.I8, DType.I8}, new byte[] {
                    -128, 127, -1, 0, 1, 5, -5, 64}, new byte[n]);
        byte[] mask = {1, 0, 1, 1, 0, 0, 1, 0};
        same("BOOL sum into I32, I32 argmax and where", (bk, s) -> {
            bk.reduce(ReduceOp.SUM, v(s[0], 2, 4), 1, v(s[2], 2));
            bk.reduce(ReduceOp.ARGMAX, v(s[1], 2, 4), 1, v(s[3], 2));
            bk.where(v(s[0], n), v(s[1], n), v(s[4], n), v(s[5], n));
        }, 0, new DType[] {DType.BOOL, DType.I32, DType.I32, DType.I32, DType.I32, DType.I32}, mask, a, new int[2], new int[2], b, new int[n]);
    }

    @Test
    void reductionsLongerThanAWorkGroupKeepTheFirstExtremeAndNaN() {
        float[] x = ramp(3 * 1000);
        x[10] = 9;
        x[700] = 9;               // a tie in row 0: the first position wins
        x[1500] = Float.NaN;      // row 1: NaN is the extreme
        x[2999] = -9;
        for (ReduceOp op : ReduceOp.values()) {
            DType out = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? DType.I32 : DType.F32;
            Object o = out == DType.I32 ? new int[3] : new float[3];
            same(op.toString(), (b, s) -> b.reduce(op, v(s[0], 3, 10, 100), 2, v(s[1], 3)), 1e-4,
                    new DType[] {DType.F32, out}, x, o);
        }
        float[] longRows = ramp(2 * 40_000);
        longRows[123] = 7;
        longRows[39_000] = 7;            // row 0: a tie far apart, in different work groups of the split
        longRows[40_000 + 777] = Float.NaN;
        longRows[40_000 + 30_000] = Float.NaN;
        for (ReduceOp op : ReduceOp.values()) {
            DType out = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? DType.I32 : DType.F32;
            Object o = out == DType.I32 ? new int[2] : new float[2];
            same(op + " of two long rows (split across work groups)", (b, s) -> b.reduce(op, v(s[0], 2, 40_000), 1,
                    v(s[1], 2)), 1e-4, new DType[] {DType.F32, out}, longRows, o);
        }
        // Many short strided blocks (2x2 max-pool windows of a [4, 3, 10, 10] input), one work item per block, with
        // ties and NaN inside windows; and rows enough to fill the device, one item each, longer than a work group.
        float[] image = ramp(4 * 3 * 10 * 10);
        image[0] = image[1] = 5;
        image[10] = 5;
        image[22] = Float.NaN;
        int[] windows = {4, 3, 5, 5, 2, 2}, windowStrides = {300, 100, 20, 2, 10, 1};
        int rows = 1 << 14, length = 65;      // just enough rows for one item per row (foldsByRow)
        float[] many = ramp(rows * length);
        many[5 * length + 9] = Float.NaN;
        for (ReduceOp op : ReduceOp.values()) {
            DType out = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? DType.I32 : DType.F32;
            same(op + " of 2x2 windows", (b, s) -> b.reduce(op, v(s[0], windows, windowStrides, 0), 2, v(s[1], 4, 3, 5, 5)), 1e-5, new DType[] {DType.F32, out}, image,
                    out == DType.I32 ? new int[300] : new float[300]);
            same(op + " of many rows", (b, s) -> b.reduce(op, v(s[0], rows, length), 1, v(s[1], rows)), 1e-4,
                    new DType[] {DType.F32, out}, many, out == DType.I32 ? new int[rows] : new float[rows]);
        }
        double[] image64 = new double[image.length];
        Arrays.setAll(image64, i -> image[i]);
        same("F64 SUM of 2x2 windows", (b, s) -> b.reduce(ReduceOp.SUM, v(s[0], windows, windowStrides, 0), 2,
                v(s[1], 4, 3, 5, 5)), 1e-13, new DType[] {DType.F64, DType.F64}, image64, new double[300]);
        same("SUM of a transposed view into F64", (b, s) -> b.reduce(ReduceOp.SUM,
                v(s[0], new int[] {100, 30}, new int[] {1, 100}, 0), 1, v(s[1], 100)), 1e-5,
                new DType[] {DType.F32, DType.F64}, x, new double[100]);
    }

    @Test
    void matmulOfSizesThatAreNotMultiplesOfTheWorkGroupWithTransposedOperands() {
        int m = 37, k = 19, n = 23;
        same("batched", (b, s) -> b.matmul(v(s[0], new int[] {2, m, k}, new int[] {m * k, 1, m}, 0),
                v(s[1], 2, k, n), v(s[2], 2, m, n)), 1e-4, new DType[] {DType.F32, DType.F32, DType.F32},
                ramp(2 * m * k), ramp(2 * k * n), new float[2 * m * n]);
    }

    @Test
    void closingAStorageReleasesItsBufferOnce() {
        OpenClTests.device();
        // A backend of its own: the shared one's count also moves whenever the Cleaner frees other tests' garbage.
        OpenClBackend cl = new OpenClBackend(Discovery.result().device());
        try {
            ClStorage s = (ClStorage) cl.allocate(DType.F32, 10);
            assertEquals(1, cl.liveBuffers());
            s.close();
            s.close();
            assertEquals(0, cl.liveBuffers());
        } finally {
            cl.close();
        }
    }

    @Test
    void moreThanEightUnmergeableDimensionsIsAClearError() {
        OpenClBackend cl = OpenClTests.backend();
        int[] shape = {2, 2, 2, 2, 2, 2, 2, 2, 2}, strides = new int[9];
        for (int d = 0; d < 9; d++) strides[d] = 1 << (2 * (8 - d));     // gaps everywhere: nothing merges
        Storage s = cl.allocate(DType.F32, 1 << 17);
        var e = assertThrows(IllegalArgumentException.class, () -> cl.fill(v(s, shape, strides, 0), 1));
        assertTrue(e.getMessage().contains("at most 8 dimensions"), e.getMessage());
    }

    @Test
    void aFailedBuildCarriesTheCompilerLog() {
        OpenClBackend cl = OpenClTests.backend();
        var e = assertThrows(IllegalStateException.class, () -> cl.cl().program("__kernel void k( { undefined_thing; }", ""));
        assertTrue(e.getMessage().contains("build log"), e.getMessage());
        assertTrue(e.getMessage().contains("error"), e.getMessage());
    }
}
