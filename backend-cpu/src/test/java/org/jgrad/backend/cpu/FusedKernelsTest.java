package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jgrad.Activation;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fused softmax and bias + activation kernels really run on this backend (one recorded node), and equal core's
 * composite definition on the reference backend, forward and backward, including non-finite rows.
 */
final class FusedKernelsTest {
    private static final Device CPU = Device.cpu(), REF = Device.reference();

    private static void assertClose(Tensor expected, Tensor actual, double rtol, String what) {
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) || Double.isInfinite(e[i])) {
                assertEquals(e[i], a[i], what + " at " + i);
                continue;
            }
            assertTrue(Math.abs(e[i] - a[i]) <= rtol * Math.max(1, Math.abs(e[i])),
                    what + " at " + i + ": composite " + e[i] + ", fused " + a[i]);
        }
    }

    @Test
    void fusedLogSoftmaxAndCrossEntropyEqualTheCompositeForwardAndBackward() {
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            double rtol = t == DType.F32 ? 1e-5 : 1e-12;
            for (int c : new int[] {1, 10, 17, 100}) {
                Tensor x = Tensor.randn(c, 37, c).mul(3).to(t);
                Tensor target = Tensor.rand(c + 1, 37).mul(c).to(DType.I32);
                Tensor xc = x.to(CPU).detach().requiresGrad(true), xr = x.to(REF).detach().requiresGrad(true);
                Tensor fused = Functional.crossEntropy(xc, target.to(CPU)), composite = Functional.crossEntropy(xr, target.to(REF));
                assertClose(composite, fused, rtol, "crossEntropy " + t + " C=" + c);
                fused.backward();
                composite.backward();
                assertClose(xr.grad(), xc.grad(), rtol, "crossEntropy gradient " + t + " C=" + c);
                assertEquals("logSoftmax", xc.logSoftmax(1).gradFn(), "the fused node ran");
                assertClose(xr.softmax(1), xc.softmax(1), rtol, "softmax " + t + " C=" + c);
            }
        }
    }

    @Test
    void fusedSoftmaxOfNonFiniteRowsMatchesTheComposite() {
        double inf = Double.POSITIVE_INFINITY;
        Tensor x = Tensor.of(new double[] {1000, 0, -1000, -inf, -inf, -inf, inf, 0, 1, Double.NaN, 0, 1}, 4, 3);
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            assertClose(x.to(t).logSoftmax(1), x.to(t).to(CPU).logSoftmax(1), 1e-6, "logSoftmax " + t);
            assertClose(x.to(t).softmax(1), x.to(t).to(CPU).softmax(1), 1e-6, "softmax " + t);
        }
    }

    @Test
    void fusedBiasActivationEqualsTheCompositeForLinearAndConvolutionShapes() {
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            double rtol = t == DType.F32 ? 1e-6 : 1e-14;
            for (Activation act : Activation.values()) {
                // [batch, features] with the bias on the last axis, [N, C, H, W] with it on the channels
                for (int[] shape : new int[][] {{33, 40}, {3, 5, 7, 9}}) {
                    int axis = 1;
                    Tensor y = Tensor.randn(7, shape).to(t), b = Tensor.randn(8, shape[axis]).to(t);
                    Tensor yc = y.to(CPU).detach().requiresGrad(true), bc = b.to(CPU).detach().requiresGrad(true);
                    Tensor yr = y.to(REF).detach().requiresGrad(true), br = b.to(REF).detach().requiresGrad(true);
                    Tensor fused = Functional.biasActivation(yc, bc, axis, act);
                    Tensor composite = Functional.biasActivation(yr, br, axis, act);
                    assertEquals("biasActivation", fused.gradFn(), "the fused node ran");
                    assertClose(composite, fused, rtol, act + " " + t);
                    Tensor g = Tensor.randn(9, shape).to(t);
                    fused.backward(g.to(CPU));
                    composite.backward(g.to(REF));
                    assertClose(yr.grad(), yc.grad(), rtol, act + " dy " + t);
                    assertClose(br.grad(), bc.grad(), rtol * 100, act + " dbias " + t);
                }
            }
        }
    }
}
