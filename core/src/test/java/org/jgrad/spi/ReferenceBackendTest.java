package org.jgrad.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jgrad.DType;
import org.junit.jupiter.api.Test;

/** The oracle's kernels, called through the SPI on strided and offset views, as a backend would be. */
final class ReferenceBackendTest {
    private final ReferenceBackend rb = new ReferenceBackend();

    private View view(DType t, Object data, int[] shape, int[] strides, int offset) {
        return new View(rb.upload(t, data), new Layout(shape, strides, offset));
    }

    private View fresh(DType t, int... shape) {
        return new View(rb.allocate(t, Layout.numel(shape)), Layout.contiguous(shape));
    }

    private double[] values(View v) {
        View dense = fresh(DType.F64, v.shape());
        rb.copy(v, dense);
        return (double[]) rb.download(dense.storage());
    }

    /** Storage [999, 300.7, −2.9, −1000, NaN, 0, −0.9] seen as [2, 3] with strides [1, 2] from offset 1. */
    private View awkward() {
        return view(DType.F64, new double[] {999, 300.7, -2.9, -1000, Double.NaN, 0, -0.9}, new int[] {2, 3},
                new int[] {1, 2}, 1);
    }

    @Test
    void copyReadsStridedOffsetViewsInRowMajorOrder() {
        // (i, j) is at 1 + i + 2j: row-major that is [300.7, −1000, 0, −2.9, NaN, −0.9]
        double[] v = values(awkward());
        assertArrayEquals(new double[] {300.7, -1000, 0, -2.9, Double.NaN, -0.9}, v, 0);
    }

    @Test
    void copyToI8TruncatesTowardZeroAndSaturates() {
        // 300.7 → 127, −1000 → −128, −2.9 → −2, NaN → 0, −0.9 → 0
        View out = fresh(DType.I8, 2, 3);
        rb.copy(awkward(), out);
        assertArrayEquals(new byte[] {127, -128, 0, -2, 0, 0}, (byte[]) rb.download(out.storage()));
        View i32 = fresh(DType.I32, 2, 3);
        rb.copy(awkward(), i32);
        assertArrayEquals(new int[] {300, -1000, 0, -2, 0, 0}, (int[]) rb.download(i32.storage()));
        View big = view(DType.F64, new double[] {1e10, -1e10}, new int[] {2}, new int[] {1}, 0), sat = fresh(DType.I32, 2);
        rb.copy(big, sat);
        assertArrayEquals(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE}, (int[]) rb.download(sat.storage()));
    }

    @Test
    void copyToBoolIsNonZeroSoNaNIsTrue() {
        // x != 0: NaN != 0 holds, so NaN converts to true; only 0 converts to false
        View out = fresh(DType.BOOL, 2, 3);
        rb.copy(awkward(), out);
        assertArrayEquals(new byte[] {1, 1, 0, 1, 1, 1}, (byte[]) rb.download(out.storage()));
        View mask = fresh(DType.BOOL, 1);
        rb.fill(mask, Double.NaN);
        assertArrayEquals(new byte[] {1}, (byte[]) rb.download(mask.storage()));
    }

    @Test
    void copyIntoStridedDestinationLeavesTheGapsAlone() {
        // dst positions 2, 4, 6 of a 55-filled I32 storage receive [1, 2, 3]; the rest keep 55
        Storage s = rb.upload(DType.I32, new int[] {55, 55, 55, 55, 55, 55, 55, 55});
        View dst = new View(s, new Layout(new int[] {3}, new int[] {2}, 2));
        rb.copy(view(DType.F32, new float[] {1.9f, 2.2f, 3.5f}, new int[] {3}, new int[] {1}, 0), dst);
        assertArrayEquals(new int[] {55, 55, 1, 55, 2, 55, 3, 55}, (int[]) rb.download(s));
        rb.fill(new View(s, new Layout(new int[] {2}, new int[] {3}, 1)), -7.8);
        assertArrayEquals(new int[] {55, -7, 1, 55, -7, 55, 3, 55}, (int[]) rb.download(s));
    }

    @Test
    void argmaxTakesTheFirstOfTiesAndNaNWins() {
        // rows [3, 7, 7, 1] → 1 (first 7); [2, NaN, 9, NaN] → 1 (first NaN); [NaN, 5, 5, 5] → 0
        View x = view(DType.F64, new double[] {3, 7, 7, 1, 2, Double.NaN, 9, Double.NaN, Double.NaN, 5, 5, 5},
                new int[] {3, 4}, new int[] {4, 1}, 0);
        View out = fresh(DType.I32, 3);
        rb.reduce(ReduceOp.ARGMAX, x, 1, out);
        assertArrayEquals(new int[] {1, 1, 0}, (int[]) rb.download(out.storage()));
        View max = fresh(DType.F64, 3);
        rb.reduce(ReduceOp.MAX, x, 1, max);
        assertArrayEquals(new double[] {7, Double.NaN, Double.NaN}, (double[]) rb.download(max.storage()), 0);
    }

    @Test
    void argminOfTransposedViewTakesTheFirstOfTies() {
        // the [4, 2] storage [[5, 1], [2, 1], [2, 0], [9, 0]] seen transposed: rows [5, 2, 2, 9] → 1, [1, 1, 0, 0] → 2
        View x = view(DType.I32, new int[] {5, 1, 2, 1, 2, 0, 9, 0}, new int[] {2, 4}, new int[] {1, 2}, 0);
        View out = fresh(DType.I32, 2);
        rb.reduce(ReduceOp.ARGMIN, x, 1, out);
        assertArrayEquals(new int[] {1, 2}, (int[]) rb.download(out.storage()));
        View min = fresh(DType.I32, 2);
        rb.reduce(ReduceOp.MIN, x, 1, min);
        assertArrayEquals(new int[] {2, 0}, (int[]) rb.download(min.storage()));
    }

    @Test
    void sumOverSeveralTrailingDimensionsOfAnOffsetView() {
        // the 2×2 block at rows 1–2, columns 1–2 of the 3×3 matrix 0..8 (offset 4): Σ = 4 + 5 + 7 + 8, rows 9 and 15
        View x = view(DType.F32, new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, new int[] {2, 2}, new int[] {3, 1}, 4);
        View all = fresh(DType.F64);
        rb.reduce(ReduceOp.SUM, x, 2, all);
        assertEquals(4 + 5 + 7 + 8, ((double[]) rb.download(all.storage()))[0], 0);
        View rows = fresh(DType.F32, 2);
        rb.reduce(ReduceOp.SUM, x, 1, rows);
        assertArrayEquals(new float[] {9, 15}, (float[]) rb.download(rows.storage()), 0);
    }

    @Test
    void gatherWithDuplicateIndicesReadsTheSameElementTwice() {
        // x = [[10, 11, 12], [20, 21, 22]] (stored transposed); index [[2, 2], [1, 0]] along axis 1 → [[12, 12], [21, 20]]
        View x = view(DType.F64, new double[] {10, 20, 11, 21, 12, 22}, new int[] {2, 3}, new int[] {1, 2}, 0);
        View index = view(DType.I32, new int[] {2, 2, 1, 0}, new int[] {2, 2}, new int[] {2, 1}, 0);
        View out = fresh(DType.F64, 2, 2);
        rb.gather(x, 1, index, out);
        assertArrayEquals(new double[] {12, 12, 21, 20}, (double[]) rb.download(out.storage()), 0);
    }

    @Test
    void scatterAddAccumulatesDuplicateIndices() {
        // dst [0, 0, 0] += src [1, 2, 3, 4] at [0, 0, 2, 0] → [1 + 2 + 4, 0, 3]
        View dst = fresh(DType.F32, 3);
        rb.scatterAdd(dst, 0, view(DType.I32, new int[] {0, 0, 2, 0}, new int[] {4}, new int[] {1}, 0),
                view(DType.F32, new float[] {1, 2, 3, 4}, new int[] {4}, new int[] {1}, 0));
        assertArrayEquals(new float[] {7, 0, 3}, (float[]) rb.download(dst.storage()), 0);
    }

    @Test
    void scatterAddAlongAxisZeroOfAnOffsetDestination() {
        // dst = rows 1..2 of a [3, 2] storage; src [3, 2] rows go to dst rows [[1, 0], [1, 1], [0, 1]]
        Storage s = rb.allocate(DType.F64, 6);
        View dst = new View(s, new Layout(new int[] {2, 2}, new int[] {2, 1}, 2));
        View index = view(DType.I32, new int[] {1, 0, 1, 1, 0, 1}, new int[] {3, 2}, new int[] {2, 1}, 0);
        View src = view(DType.F64, new double[] {1, 2, 3, 4, 5, 6}, new int[] {3, 2}, new int[] {2, 1}, 0);
        rb.scatterAdd(dst, 0, index, src);
        // dst[0][0] = 5, dst[0][1] = 2, dst[1][0] = 1 + 3, dst[1][1] = 4 + 6; storage row 0 untouched
        assertArrayEquals(new double[] {0, 0, 5, 2, 4, 10}, (double[]) rb.download(s), 0);
    }

    @Test
    void accumulateAddsOverlappingWindowsUp() {
        // windows of length 2, step 1 over 4 elements: element k is covered by min(k+1, 2, 4-k) windows, each adds 1
        View src = view(DType.F64, new double[] {1, 1, 1, 1, 1, 1}, new int[] {3, 2}, new int[] {2, 1}, 0);
        View dst = fresh(DType.F64, 4);
        rb.accumulate(src, new View(dst.storage(), new Layout(new int[] {3, 2}, new int[] {1, 1}, 0)));
        assertArrayEquals(new double[] {1, 2, 2, 1}, values(dst), 0);
    }

    @Test
    void matmulWithStrideZeroBatchOperandReusesOneMatrix() {
        // A = [[1, 2, 3], [4, 5, 6]] broadcast over 2 batches (stride 0) times B₀ = 1..6, B₁ = 7..12 as [3, 2]
        View a = view(DType.F64, new double[] {1, 2, 3, 4, 5, 6}, new int[] {2, 2, 3}, new int[] {0, 3, 1}, 0);
        double[] bv = new double[12];
        for (int i = 0; i < 12; i++) bv[i] = i + 1;
        View b = view(DType.F64, bv, new int[] {2, 3, 2}, new int[] {6, 2, 1}, 0);
        View out = fresh(DType.F64, 2, 2, 2);
        rb.matmul(a, b, out);
        assertArrayEquals(new double[] {22, 28, 49, 64, 58, 64, 139, 154}, (double[]) rb.download(out.storage()), 0);
    }

    @Test
    void matmulReadsATransposedOperandThroughItsStrides() {
        // Bᵀ stored as [[1, 3, 5], [2, 4, 6]] and read with strides [·, 1, 3]: A·B = [[22, 28], [49, 64]]
        View a = view(DType.F32, new float[] {1, 2, 3, 4, 5, 6}, new int[] {1, 2, 3}, new int[] {6, 3, 1}, 0);
        View b = view(DType.F32, new float[] {1, 3, 5, 2, 4, 6}, new int[] {1, 3, 2}, new int[] {6, 1, 3}, 0);
        View out = fresh(DType.F32, 1, 2, 2);
        rb.matmul(a, b, out);
        assertArrayEquals(new float[] {22, 28, 49, 64}, (float[]) rb.download(out.storage()), 0);
    }

    /** erf is promised to a few ulps: 4 of the expected value's. */
    private static void assertErf(double expected, double x) {
        assertEquals(expected, ReferenceBackend.erf(x), 4 * Math.ulp(expected), () -> "erf(" + x + ")");
    }

    @Test
    void erfMatchesKnownValues() {
        // erf(0.5) = 0.5204998778130465, erf(−2) = −0.9953222650189527, erf(1) = 0.8427007929497149, erf(±6) = ±1
        assertErf(0.5204998778130465, 0.5);
        assertErf(-0.9953222650189527, -2);
        assertErf(0.8427007929497149, 1);
        assertErf(0.9999779095030014, 3);
        assertEquals(1, ReferenceBackend.erf(6), 0);
        assertEquals(-1, ReferenceBackend.erf(-6), 0);
        assertEquals(0, ReferenceBackend.erf(0), 0);
        assertEquals(-1, ReferenceBackend.erf(Double.NEGATIVE_INFINITY), 0);
        assertTrue(Double.isNaN(ReferenceBackend.erf(Double.NaN)));
        assertErf(0.1124629160182849, 0.1);
    }

    @Test
    void erfIsOddAndBoundedByOne() {
        // erf(−x) = −erf(x) and |erf(x)| ≤ 1 on a grid over [−7, 7], including the last steps before 6
        for (int i = 0; i <= 1400; i++) {
            double x = i / 200.0, e = ReferenceBackend.erf(x);
            assertTrue(e >= 0 && e <= 1, "erf(" + x + ") = " + e);
            assertEquals(-e, ReferenceBackend.erf(-x), 0);
        }
    }

    @Test
    void unaryErfRunsOnAStridedView() {
        // the kernel applies erf elementwise to [0.5, −2] read with stride 2
        View x = view(DType.F64, new double[] {0.5, 99, -2}, new int[] {2}, new int[] {2}, 0);
        View out = fresh(DType.F64, 2);
        rb.unary(UnaryOp.ERF, x, out);
        double[] v = (double[]) rb.download(out.storage());
        assertEquals(ReferenceBackend.erf(0.5), v[0], 0);
        assertEquals(ReferenceBackend.erf(-2), v[1], 0);
    }

    @Test
    void binaryAndWhereBroadcastThroughStrideZeroOperands() {
        // a row [1, 2, 3] (stride 0 over rows) minus a column [10, 20] (stride 0 over columns); then pick by mask
        View row = view(DType.F32, new float[] {1, 2, 3}, new int[] {2, 3}, new int[] {0, 1}, 0);
        View col = view(DType.F32, new float[] {10, 20}, new int[] {2, 3}, new int[] {1, 0}, 0);
        View diff = fresh(DType.F32, 2, 3);
        rb.binary(BinaryOp.SUB, row, col, diff);
        assertArrayEquals(new float[] {-9, -8, -7, -19, -18, -17}, (float[]) rb.download(diff.storage()), 0);
        View mask = view(DType.BOOL, new byte[] {1, 0, 1}, new int[] {2, 3}, new int[] {0, 1}, 0);
        View out = fresh(DType.F32, 2, 3);
        rb.where(mask, row, col, out);
        assertArrayEquals(new float[] {1, 10, 3, 1, 20, 3}, (float[]) rb.download(out.storage()), 0);
    }

    @Test
    void integerDivisionTruncatesAndByZeroGivesZero() {
        // −7 / 2 = −3 (toward zero, as Java), 7 / 0 = 0 instead of a crash
        View a = view(DType.I32, new int[] {-7, 7}, new int[] {2}, new int[] {1}, 0);
        View b = view(DType.I32, new int[] {2, 0}, new int[] {2}, new int[] {1}, 0);
        View out = fresh(DType.I32, 2);
        rb.binary(BinaryOp.DIV, a, b, out);
        assertArrayEquals(new int[] {-3, 0}, (int[]) rb.download(out.storage()));
    }

    @Test
    void randomFillsAStridedViewInRowMajorCounterOrder() {
        // element k (row-major) of the view gets counter offset + k, whatever its storage position
        Storage s = rb.allocate(DType.F32, 6);
        rb.random(Distribution.UNIFORM, 11, 100, new View(s, new Layout(new int[] {3, 2}, new int[] {1, 3}, 0)));
        float[] v = (float[]) rb.download(s);
        int[] storagePos = {0, 3, 1, 4, 2, 5};
        for (int k = 0; k < 6; k++) assertEquals(Philox.uniformF32(11, 100 + k), v[storagePos[k]], 0);
    }

    @Test
    void storageOfAnotherBackendIsRefused() {
        // each backend computes only on its own storages
        Storage foreign = new ReferenceBackend().allocate(DType.F32, 2);
        var e = assertThrows(IllegalArgumentException.class,
                () -> rb.fill(new View(foreign, Layout.contiguous(2)), 1));
        assertTrue(e.getMessage().startsWith("reference backend:"), e.getMessage());
    }
}
