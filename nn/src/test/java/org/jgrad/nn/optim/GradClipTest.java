package org.jgrad.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/** Clipping against hand-computed norms: gradients a = [3, −4] and b = [12] have 2-norm 13, 1-norm 19, ∞-norm 12. */
class GradClipTest {
    static List<Tensor> params() {
        Tensor a = OptimizerTest.param(0, 0), b = OptimizerTest.param(0);
        a.setGrad(Tensor.of(new double[] {3, -4}, 2));
        b.setGrad(Tensor.of(new double[] {12}, 1));
        return List.of(a, b);
    }

    static void assertGrads(List<Tensor> p, double scale) {
        assertArrayEquals(new double[] {3 * scale, -4 * scale}, p.get(0).grad().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {12 * scale}, p.get(1).grad().toDoubleArray(), 1e-14);
    }

    @Test
    void theEuclideanNormScalesAllGradientsTogether() {
        var p = params();
        assertEquals(13, GradClip.clipGradNorm(p, 6.5).item(), 1e-14);
        assertGrads(p, 6.5 / (13 + 1e-6));
    }

    @Test
    void otherNormsUseTheirOwnMeasure() {
        var p = params();
        assertEquals(19, GradClip.clipGradNorm(p, 1, 1).item(), 1e-14);
        assertGrads(p, 1 / (19 + 1e-6));
        p = params();
        assertEquals(12, GradClip.clipGradNorm(p, 2, Double.POSITIVE_INFINITY).item(), 1e-14);
        assertGrads(p, 2 / (12 + 1e-6));
        p = params();
        double norm3 = Math.cbrt(27 + 64 + 1728);
        assertEquals(norm3, GradClip.clipGradNorm(p, 3, 3).item(), 1e-12);
        assertGrads(p, 3 / (norm3 + 1e-6));
    }

    @Test
    void gradientsWithinTheLimitAreLeftAsTheyAre() {
        var p = params();
        assertEquals(13, GradClip.clipGradNorm(p, 100).item(), 1e-14);
        assertGrads(p, 1);
    }

    /** loss = Σ(x + y): backward may hand x and y one gradient tensor; each must be scaled once, not twice. */
    @Test
    void aGradientSharedByTwoParametersIsScaledOnce() {
        Tensor x = OptimizerTest.param(3, 4), y = OptimizerTest.param(0, 0);
        x.add(y).mul(Tensor.of(new double[] {3, 4}, 2)).sum().backward();
        double total = GradClip.clipGradNorm(List.of(x, y), 1).item();
        assertEquals(Math.sqrt(50), total, 1e-14);
        double s = 1 / (Math.sqrt(50) + 1e-6);
        assertArrayEquals(new double[] {3 * s, 4 * s}, x.grad().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {3 * s, 4 * s}, y.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void withoutGradientsTheNormIsZero() {
        Tensor a = OptimizerTest.param(1);
        assertEquals(0, GradClip.clipGradNorm(List.of(a), 1).item());
        assertNull(a.grad());
    }

    @Test
    void clippingByValueClampsEachElement() {
        var p = params();
        GradClip.clipGradValue(p, 3.5);
        assertArrayEquals(new double[] {3, -3.5}, p.get(0).grad().toDoubleArray());
        assertArrayEquals(new double[] {3.5}, p.get(1).grad().toDoubleArray());
    }

    @Test
    void badLimitsAreRejected() {
        for (Runnable r : List.<Runnable>of(() -> GradClip.clipGradNorm(params(), 1, 0),
                () -> GradClip.clipGradNorm(params(), -1), () -> GradClip.clipGradValue(params(), -0.5),
                () -> GradClip.clipGradNorm(params(), 1, Double.NaN))) {
            var e = assertThrows(IllegalArgumentException.class, r::run);
            assertTrue(e.getMessage().startsWith("clipGrad"), e.getMessage());
        }
    }
}
