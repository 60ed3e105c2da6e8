package org.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Factories make the values and shapes they promise; random ones are reproducible; toString reads like PyTorch. */
final class FactoriesAndPrintTest {

    private static double[] d(double... v) {
        return v;
    }

    @Test
    void ofCopiesArraysOfEachTypeIntoTheirDtype() {
        // float[] → F32, double[] → F64, int[] → I32, byte[] → I8, row-major in the given shape; the array is copied
        float[] f = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(f, 2, 3);
        f[0] = 99;
        assertEquals(DType.F32, t.dtype());
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(6, t.get(1, 2), 0);
        assertEquals(1, t.get(0, 0), 0);
        assertEquals(DType.F64, Tensor.of(d(1.5), 1).dtype());
        assertEquals(DType.I32, Tensor.of(new int[] {1, 2}, 2).dtype());
        Tensor b = Tensor.of(new byte[] {-128, 127}, 2);
        assertEquals(DType.I8, b.dtype());
        assertArrayEquals(new byte[] {-128, 127}, b.toByteArray());
        assertArrayEquals(new int[] {-128, 127}, b.toIntArray());
    }

    @Test
    void ofFailsWhenLengthAndShapeDisagree() {
        // 5 values cannot fill [2, 3]; a negative size is refused too
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertEquals("of: 5 values cannot fill shape [2, 3] (6 elements)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[0], 2, -1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1 << 16, 1 << 16));
    }

    @Test
    void zerosOnesAndFullFillEveryElement() {
        // every element equals the fill value, in the requested dtype and shape
        assertArrayEquals(d(0, 0, 0, 0), Tensor.zeros(2, 2).toDoubleArray(), 0);
        assertArrayEquals(d(1, 1, 1), Tensor.ones(DType.I32, 3).toDoubleArray(), 0);
        Tensor f = Tensor.full(DType.F64, -2.5, 2, 1, 2);
        assertArrayEquals(new int[] {2, 1, 2}, f.shape());
        assertArrayEquals(d(-2.5, -2.5, -2.5, -2.5), f.toDoubleArray(), 0);
        assertEquals(DType.F32, Tensor.full(7, 3).dtype());
        assertEquals(0, Tensor.zeros().rank(), "no shape is a 0-d tensor");
        assertArrayEquals(new float[] {1, 1}, Tensor.onesLike(Tensor.zeros(2)).toFloatArray(), 0);
        assertEquals(DType.F64, Tensor.zerosLike(Tensor.ones(DType.F64, 2)).dtype());
    }

    @Test
    void arangeCountsFromStartToEndExclusive() {
        // [0, 5) by 1; [0, 1) by 0.25; [5, 0) by −2
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Tensor.arange(5).toIntArray());
        assertEquals(DType.I32, Tensor.arange(5).dtype());
        assertArrayEquals(d(0, 0.25, 0.5, 0.75), Tensor.arange(DType.F64, 0, 1, 0.25).toDoubleArray(), 0);
        assertArrayEquals(d(5, 3, 1), Tensor.arange(DType.F32, 5, 0, -2).toDoubleArray(), 0);
        assertEquals(0, Tensor.arange(0).numel());
        assertEquals(0, Tensor.arange(DType.F32, 3, 1, 1).numel());
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(DType.F32, 0, 1, 0));
    }

    @Test
    void eyeHasOnesOnTheDiagonalOnly() {
        // I[i][j] = (i == j)
        assertArrayEquals(d(1, 0, 0, 0, 1, 0, 0, 0, 1), Tensor.eye(3).toDoubleArray(), 0);
        assertEquals(DType.I32, Tensor.eye(DType.I32, 2).dtype());
        assertArrayEquals(new int[] {0, 0}, Tensor.eye(0).shape());
        Tensor a = Tensor.of(d(1, 2, 3, 4), 2, 2);
        assertArrayEquals(a.toDoubleArray(), a.matmul(Tensor.eye(DType.F64, 2)).toDoubleArray(), 0);
    }

    @Test
    void randIsUniformInUnitIntervalAndReproducibleBySeed() {
        // the same seed gives the same numbers; another seed gives others; all in [0, 1)
        Tensor a = Tensor.rand(42, 3, 100), b = Tensor.rand(42, 3, 100), c = Tensor.rand(43, 3, 100);
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0);
        assertFalse(Arrays.equals(a.toDoubleArray(), c.toDoubleArray()));
        for (double v : a.toDoubleArray()) assertTrue(v >= 0 && v < 1, "out of [0, 1): " + v);
        double mean = a.mean().item();
        assertTrue(Math.abs(mean - 0.5) < 0.05, "mean of 300 uniforms " + mean);
        Tensor f64 = Tensor.rand(new Rng(42), DType.F64, 1000);
        for (double v : f64.toDoubleArray()) assertTrue(v >= 0 && v < 1);
        assertThrows(IllegalArgumentException.class, () -> Tensor.rand(new Rng(1), DType.I32, 2));
    }

    @Test
    void randnHasMeanZeroAndStdOneOverOneHundredThousandSamples() {
        // 10⁵ draws: the standard error of the mean is 0.003 and of the std about 0.002, so 0.02 is loose
        Tensor x = Tensor.randn(new Rng(2024), DType.F64, 100_000);
        assertTrue(Math.abs(x.mean().item()) < 0.02, "mean " + x.mean().item());
        assertTrue(Math.abs(x.std().item() - 1) < 0.02, "std " + x.std().item());
        long beyond3 = Arrays.stream(x.toDoubleArray()).filter(v -> Math.abs(v) > 3).count();
        assertTrue(beyond3 > 150 && beyond3 < 400, "P(|z| > 3) = 0.27%, got " + beyond3 + " of 10⁵");
        assertArrayEquals(Tensor.randn(5, 10).toDoubleArray(), Tensor.randn(5, 10).toDoubleArray(), 0);
    }

    @Test
    void drawsFromOneRngAdvanceItsOffsetAndTileOneBigDraw() {
        // two draws of 5 take counters 0..4 and 5..9: they differ and together equal one draw of 10
        Rng r = new Rng(7);
        assertEquals(0, r.offset());
        Tensor first = Tensor.rand(r, DType.F32, 5), second = Tensor.rand(r, DType.F32, 5);
        assertEquals(10, r.offset());
        assertEquals(7, r.seed());
        assertFalse(Arrays.equals(first.toDoubleArray(), second.toDoubleArray()));
        Tensor whole = Tensor.rand(new Rng(7), DType.F32, 10);
        assertArrayEquals(whole.toDoubleArray(), Tensor.cat(0, first, second).toDoubleArray(), 0);
        Rng n = new Rng(7);
        Tensor a = Tensor.randn(n, DType.F64, 2, 3), b = Tensor.randn(n, DType.F64, 4);
        assertEquals(10, n.offset());
        assertArrayEquals(Tensor.randn(new Rng(7), DType.F64, 10).toDoubleArray(),
                Tensor.cat(0, a.reshape(-1), b).toDoubleArray(), 0);
    }

    @Test
    void toStringShowsValuesShapeDtypeAndDevice() {
        // PyTorch's layout: nested brackets, 4 decimals, then the metadata
        String dev = Device.defaultDevice().toString();
        assertEquals("tensor([1.0000, 2.0000, 3.0000], shape=[3], dtype=F32, device=" + dev + ")",
                Tensor.of(new float[] {1, 2, 3}, 3).toString());
        assertEquals("tensor([[1.0000, -2.5000],\n        [3.0000, 1.0000e+06]], shape=[2, 2], dtype=F32, device=" + dev + ")",
                Tensor.of(new float[] {1, -2.5f, 3, 1e6f}, 2, 2).toString());
        assertEquals("tensor([0, 1, 2], shape=[3], dtype=I32, device=" + dev + ")", Tensor.arange(3).toString());
        assertEquals("tensor(3.0000, shape=[], dtype=F32, device=" + dev + ")", Tensor.scalar(3).toString());
        assertEquals("tensor([], shape=[0, 2], dtype=F32, device=" + dev + ")", Tensor.zeros(0, 2).toString());
        assertEquals("tensor([nan, inf, -inf], shape=[3], dtype=F64, device=" + dev + ")",
                Tensor.of(d(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY), 3).toString());
    }

    @Test
    void toStringNamesTheAutogradState() {
        // a variable says requiresGrad, a computed tensor names the op that made it
        Tensor x = Tensor.ones(2).requiresGrad(true);
        assertTrue(x.toString().endsWith(", requiresGrad=true)"), x.toString());
        assertTrue(x.mul(2).toString().endsWith(", gradFn=mul)"), x.mul(2).toString());
    }

    @Test
    void toStringElidesLargeTensorsWithDots() {
        // more than 1000 elements: the first and last three of each long dimension, "..." between
        String s = Tensor.arange(2000).toString();
        assertTrue(s.startsWith("tensor([0, 1, 2, ..., 1997, 1998, 1999], shape=[2000]"), s);
        String m = Tensor.arange(DType.F32, 0, 10_000, 1).reshape(100, 100).toString();
        assertTrue(m.startsWith("tensor([[0.0000, 1.0000, 2.0000, ..., 97.0000, 98.0000, 99.0000],"), m);
        assertTrue(m.contains("        ...,\n"), m);
        assertTrue(m.contains("[9900.0000, 9901.0000, 9902.0000, ..., 9997.0000, 9998.0000, 9999.0000]]"), m);
        assertEquals(7, m.lines().count(), m);
        assertFalse(Tensor.arange(1000).toString().contains("..."), "1000 elements are printed in full");
    }
}
