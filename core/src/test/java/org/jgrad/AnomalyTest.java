package org.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Grad.detectAnomaly(): the first op whose forward or backward turns finite values into NaN/Inf is named. */
final class AnomalyTest {

    @Test
    void forwardNaNFromLogOfNegativeNamesLog() {
        // log(−1) = NaN from a finite input: the forward of 'log' is the culprit
        Tensor x = Tensor.of(new double[] {2, -1}, 2).requiresGrad(true);
        try (var a = Grad.detectAnomaly()) {
            var e = assertThrows(ArithmeticException.class, x::log);
            assertTrue(e.getMessage().contains("'log'"), e.getMessage());
            assertTrue(e.getMessage().contains("forward"), e.getMessage());
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            assertTrue(e.getMessage().contains("flat index 1"), e.getMessage());
        }
    }

    @Test
    void forwardCheckAlsoRunsForTensorsThatDoNotRequireGrad() {
        // 1/0 = Inf: anomaly mode looks at every op, recorded or not
        try (var a = Grad.detectAnomaly()) {
            var e = assertThrows(ArithmeticException.class, () -> Tensor.of(new float[] {1}, 1).div(0));
            assertTrue(e.getMessage().contains("'div'"), e.getMessage());
        }
    }

    @Test
    void nonFiniteInputsAreNotBlamedOnTheOpThatPropagatesThem() {
        // NaN + 1 = NaN: the input was already bad, so 'add' did not produce the anomaly
        try (var a = Grad.detectAnomaly()) {
            Tensor y = Tensor.of(new double[] {Double.NaN, 1}, 2).add(1);
            assertTrue(Double.isNaN(y.toDoubleArray()[0]));
        }
    }

    @Test
    void backwardInfFromSqrtAtZeroNamesSqrt() {
        // y = Σ √x at x = 0: the forward is 0 (fine), d√x/dx = 1/(2√x) = Inf, so the backward of 'sqrt' is named
        Tensor x = Tensor.of(new double[] {0, 4}, 2).requiresGrad(true);
        try (var a = Grad.detectAnomaly()) {
            Tensor y = x.sqrt().sum();
            var e = assertThrows(ArithmeticException.class, y::backward);
            assertTrue(e.getMessage().contains("'sqrt'"), e.getMessage());
            assertTrue(e.getMessage().contains("backward"), e.getMessage());
        }
    }

    @Test
    void withoutAnomalyModeNonFiniteValuesPassSilently() {
        // the same two cases outside the scope: NaN and Inf flow through, as in PyTorch
        assertFalse(Grad.isAnomalyDetection());
        Tensor x = Tensor.of(new double[] {-1}, 1).requiresGrad(true);
        assertTrue(Double.isNaN(x.log().item()));
        Tensor z = Tensor.of(new double[] {0}, 1).requiresGrad(true);
        z.sqrt().sum().backward();
        assertEquals(Double.POSITIVE_INFINITY, z.grad().item());
    }

    @Test
    void anomalyScopeIsRestoredOnClose() {
        // nested scopes and a throw inside leave the mode as it was
        try (var a = Grad.detectAnomaly()) {
            assertTrue(Grad.isAnomalyDetection());
            assertThrows(ArithmeticException.class, () -> Tensor.of(new double[] {-1}, 1).log());
            assertTrue(Grad.isAnomalyDetection());
        }
        assertFalse(Grad.isAnomalyDetection());
    }

    @Test
    void finiteComputationsRaiseNothingInAnomalyMode() {
        // y = Σ x², dy/dx = 2x: a healthy graph forward and backward is untouched by the checks
        Tensor x = Tensor.of(new double[] {1, -2}, 2).requiresGrad(true);
        try (var a = Grad.detectAnomaly()) {
            x.square().sum().backward();
        }
        assertEquals(-4, x.grad().toDoubleArray()[1], 0);
    }
}
