package org.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Results that naive formulas get wrong: long sums, large logits, tiny variances, empty and 0-d tensors. */
final class NumericalStabilityTest {

    private static void assertAllFinite(Tensor t) {
        for (double v : t.toDoubleArray()) assertTrue(Double.isFinite(v), () -> "non-finite value in " + t);
    }

    private static void assertRelative(double expected, double actual, double rel) {
        assertTrue(Math.abs(actual - expected) <= rel * Math.abs(expected),
                () -> "expected " + expected + " within " + rel + " relative, got " + actual);
    }

    @Test
    void tenMillionTimesPointOneSumsWithinOneMillionth() {
        // Σ 0.1f over 10⁷ elements = 10⁶ (0.1f is 0.100000001…); naive F32 accumulation stalls near 2·10⁶·ulp
        Tensor x = Tensor.full(0.1, 10_000_000);
        assertRelative(1e6, x.sum().item(), 1e-5);
        assertRelative(0.1, x.mean().item(), 1e-5);
    }

    @Test
    void logsumexpAndLogSoftmaxOfWidelySpreadValuesAreExact() {
        // log(e¹⁰⁰⁰ + e⁰ + e⁻¹⁰⁰⁰) = 1000 (+ e⁻¹⁰⁰⁰); log-softmax is x − 1000
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            Tensor x = Tensor.of(new double[] {1000, 0, -1000}, 3).to(t);
            assertEquals(1000, x.logsumexp(0).item(), 0, t.toString());
            assertArrayEquals(new double[] {0, -1000, -2000}, x.logSoftmax(0).toDoubleArray(), 0, t.toString());
            assertArrayEquals(new double[] {1, 0, 0}, x.softmax(0).toDoubleArray(), 0, t.toString());
        }
    }

    @Test
    void logsumexpOfAllMinusInfinityIsMinusInfinityNotNaN() {
        // log Σ e^(−∞) = log 0 = −∞: the shift by the maximum must not compute −∞ − (−∞)
        Tensor x = Tensor.full(Double.NEGATIVE_INFINITY, 2);
        assertEquals(Double.NEGATIVE_INFINITY, x.logsumexp(0).item());
    }

    @Test
    void logSoftmaxIsFiniteForValuesOfMagnitudeTenThousand() {
        // x = [1e4, −1e4, 0]: log-softmax [0, −2e4, −1e4] and a finite gradient, in F32
        Tensor x = Tensor.of(new float[] {1e4f, -1e4f, 0, 5e3f, -5e3f, 1e4f}, 2, 3).requiresGrad(true);
        Tensor y = x.logSoftmax(1);
        assertAllFinite(y);
        assertArrayEquals(new double[] {0, -2e4, -1e4}, y.narrow(0, 0, 1).toDoubleArray(), 0);
        y.mul(Tensor.of(new float[] {1, 2, 3, -1, 0, 1}, 2, 3)).sum().backward();
        assertAllFinite(x.grad());
    }

    @Test
    void bceWithLogitsIsFiniteAndRightAtPlusMinusOneThousand() {
        // loss(x, y) = max(x, 0) − xy + log(1 + e^−|x|): 1000 when the logit is confidently wrong, 0 when right;
        // d/dx = σ(x) − y, divided by the 4 elements of the mean
        Tensor x = Tensor.of(new float[] {1000, -1000, 1000, -1000}, 4).requiresGrad(true);
        Tensor y = Tensor.of(new float[] {0, 1, 1, 0}, 4);
        Tensor loss = Functional.bceWithLogits(x, y, Reduction.NONE);
        assertArrayEquals(new double[] {1000, 1000, 0, 0}, loss.toDoubleArray(), 0);
        Functional.bceWithLogits(x, y).backward();
        assertAllFinite(x.grad());
        assertArrayEquals(new double[] {0.25, -0.25, 0, 0}, x.grad().toDoubleArray(), 1e-7);
    }

    @Test
    void varianceOfValuesNearTenThousandIsPositiveAndAccurateInF32() {
        // 1000 values 1e4 ± 0.01: E[x²] − E[x]² would cancel to noise in F32; two passes keep 1e-3 relative
        float[] v = new float[1000];
        for (int i = 0; i < v.length; i++) v[i] = 1e4f + (i % 2 == 0 ? 0.01f : -0.01f) * (1 + (i % 7) / 7f);
        double mean = 0, ss = 0;
        for (float f : v) mean += f;
        mean /= v.length;
        for (float f : v) ss += (f - mean) * (f - mean);
        double truth = ss / (v.length - 1);
        Tensor x = Tensor.of(v, v.length);
        double var = x.var().item();
        assertTrue(var > 0, "variance must be positive, got " + var);
        assertRelative(truth, var, 1e-3);
        assertRelative(Math.sqrt(truth), x.std().item(), 1e-3);
        assertRelative(ss / v.length, x.var(new int[] {0}, 0, false).item(), 1e-3);
    }

    @Test
    void softmaxRowsSumToOne() {
        // Σ_j softmax(x)_ij = 1 for logits spread over ±30 (e^30 overflows nothing after the shift)
        Tensor x = Tensor.randn(7, 5, 9).mul(30);
        Tensor s = x.softmax(1);
        for (double row : s.sum(1).toDoubleArray()) assertEquals(1, row, 1e-6);
        for (double p : s.toDoubleArray()) assertTrue(p >= 0 && p <= 1);
    }

    @Test
    void sumOfAnEmptyTensorIsZeroAndItsMeanIsNaN() {
        // Σ over no elements = 0 (the identity of +); the mean divides that by 0 elements
        Tensor e = Tensor.zeros(0);
        assertEquals(0, e.sum().item(), 0);
        assertTrue(Double.isNaN(e.mean().item()));
        Tensor m = Tensor.ones(0, 3);
        assertArrayEquals(new double[] {0, 0, 0}, m.sum(0).toDoubleArray(), 0);
        assertArrayEquals(new int[] {0}, m.sum(1).shape());
    }

    @Test
    void maxOverAnEmptyDimensionIsAClearError() {
        // max has no identity: reducing an empty dimension names the op, the dimension and the tensor
        Tensor e = Tensor.zeros(2, 0);
        var err = assertThrows(IllegalArgumentException.class, () -> e.max(1));
        assertEquals("max: cannot reduce over dimension 1 of tensor [2, 0] F32: it has no elements", err.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).max());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).argmin());
        assertArrayEquals(new int[] {0}, Tensor.zeros(0, 3).max(1).shape(), "reducing a non-empty dimension is fine");
    }

    @Test
    void emptyTensorsFlowThroughElementwiseOpsAndBackward() {
        // y = Σ exp(x) over no elements is 0, and the gradient is an empty tensor of x's shape
        Tensor x = Tensor.zeros(DType.F64, 0, 4).requiresGrad(true);
        Tensor y = x.exp().add(1).sum();
        assertEquals(0, y.item(), 0);
        y.backward();
        assertArrayEquals(new int[] {0, 4}, x.grad().shape());
        assertArrayEquals(new int[] {0, 2}, Tensor.zeros(0, 3).matmul(Tensor.zeros(3, 2)).shape());
        assertArrayEquals(new double[] {0, 0, 0, 0}, Tensor.zeros(2, 0).matmul(Tensor.zeros(0, 2)).toDoubleArray(), 0);
    }

    @Test
    void zeroDimensionalTensorsSupportItemArithmeticAndBackward() {
        // loss = x² + 3x at x = 2 is a 0-d tensor; dloss/dx = 2x + 3 = 7, and x.grad is 0-d too
        Tensor x = Tensor.scalar(DType.F64, 2).requiresGrad(true);
        Tensor loss = x.square().add(x.mul(3));
        assertEquals(0, loss.rank());
        assertArrayEquals(new int[0], loss.shape());
        assertEquals(1, loss.numel());
        assertEquals(10, loss.item(), 0);
        loss.backward();
        assertEquals(0, x.grad().rank());
        assertEquals(7, x.grad().item(), 0);
        assertEquals(4, Tensor.scalar(16).sqrt().item(), 0);
        assertEquals(6, Tensor.of(new float[] {1, 2, 3}, 3).sum().item(), 0);
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).item());
        assertTrue(e.getMessage().startsWith("item:"), e.getMessage());
    }

    @Test
    void integerDivisionAndPowPromoteToFloatingPoint() {
        // 7 / 2 = 3.5 and 2^0.5 = 1.414…: int operands of div and pow compute in F32, not truncating
        Tensor seven = Tensor.of(new int[] {7}, 1);
        assertEquals(DType.F32, seven.div(Tensor.of(new int[] {2}, 1)).dtype());
        assertEquals(3.5, seven.div(Tensor.of(new int[] {2}, 1)).item(), 0);
        assertEquals(Math.sqrt(2), Tensor.of(new int[] {2}, 1).pow(0.5).item(), 1e-6);
        assertEquals(DType.I32, seven.add(1).dtype());
        assertEquals(DType.F32, seven.mul(0.5).dtype());
    }
}
