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
 * The kernels' hard cases, straight through the SPI against the reference backend: overlapping accumulation (atomic
 * and serial paths), duplicate scatter indices, saturating and NaN conversions, reductions longer than a work group
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
        same("F32 (atomic)", acc, 1e-5, new DType[] {DType.F32, DType.F32}, ramp(1200), new float[80]);
        double[] d = new double[1200];
        Arrays.setAll(d, i -> i * 0.5);
        same("F64 (serial)", acc, 0, new DType[] {DType.F64, DType.F64}, d, new double[80]);
        int[] n = new int[1200];
        Arrays.setAll(n, i -> i - 600);
        same("I32 (atomic)", acc, 0, new DType[] {DType.I32, DType.I32}, n, new int[80]);
        // Every element into one position (stride 0): work groups running at once collide on it constantly, so a
        // lost update shows. Ones add up exactly in F32.
        int many = 1 << 16;
        float[] ones = new float[many];
        Arrays.fill(ones, 1);
        BiConsumer<Backend, Storage[]> all = (b, s) -> b.accumulate(v(s[0], many), v(s[1], new int[] {many}, new int[] {0}, 0));
        same("F32 into one position", all, 0, new DType[] {DType.F32, DType.F32}, ones, new float[1]);
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
