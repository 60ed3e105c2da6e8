package org.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The define-by-run tape: gradients, modes, graph lifetime, higher order, hooks and custom ops. */
final class AutogradTest {
    private static final double EPS = 1e-12;

    private static Tensor leaf(double... v) {
        return Tensor.of(v, v.length).requiresGrad(true);
    }

    @Test
    void backwardOfPolynomialGivesItsDerivative() {
        // y = Σ x² + 5x + 4, so dy/dx = 2x + 5
        Tensor x = leaf(-3, 0, 1.5, 2);
        x.square().add(x.mul(5)).add(4).sum().backward();
        assertArrayEquals(new double[] {-1, 5, 8, 9}, x.grad().toDoubleArray(), EPS);
    }

    @Test
    void backwardOfTwoInputGraphGivesEachPartial() {
        // z = Σ a·b + a/b, so dz/da = b + 1/b and dz/db = a − a/b²
        Tensor a = leaf(1, 2, 3), b = leaf(2, 4, -1);
        a.mul(b).add(a.div(b)).sum().backward();
        assertArrayEquals(new double[] {2.5, 4.25, -2}, a.grad().toDoubleArray(), EPS);
        assertArrayEquals(new double[] {0.75, 1.875, 0}, b.grad().toDoubleArray(), EPS);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilCleared() {
        // y = Σ 3x, dy/dx = 3 per call: two calls leave 6, setGrad(null) starts again
        Tensor x = leaf(1, 2);
        x.mul(3).sum().backward();
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray(), EPS);
        x.setGrad(null);
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {3, 3}, x.grad().toDoubleArray(), EPS);
    }

    @Test
    void disabledScopeRecordsNothingAndRestoresTheMode() {
        // inside Grad.disabled() results are plain leaves; closing the scope restores what was there before
        Tensor x = leaf(1, 2);
        assertTrue(Grad.isEnabled());
        try (var off = Grad.disabled()) {
            Tensor y = x.mul(2);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
            assertTrue(y.isLeaf());
            try (var on = Grad.enabled()) {
                assertTrue(x.mul(2).requiresGrad());
                try (var off2 = Grad.disabled()) {
                    assertFalse(Grad.isEnabled());
                }
                assertTrue(Grad.isEnabled());
            }
            assertFalse(Grad.isEnabled());
        }
        assertTrue(Grad.isEnabled());
        assertEquals("mul", x.mul(2).gradFn());
    }

    @Test
    void disabledScopeIsRestoredWhenAnExceptionLeavesIt() {
        // try-with-resources closes the scope on the way out of a throw
        assertThrows(IllegalStateException.class, () -> {
            try (var off = Grad.disabled()) {
                throw new IllegalStateException("boom");
            }
        });
        assertTrue(Grad.isEnabled());
    }

    @Test
    void detachSharesStorageButCutsTheGraph() {
        // y = Σ detach(x)·x, so dy/dx = x (the detached factor is a constant), not 2x
        Tensor x = leaf(1, 2, 3);
        Tensor d = x.detach();
        assertSame(x.view().storage(), d.view().storage());
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        d.mul(x).sum().backward();
        assertArrayEquals(new double[] {1, 2, 3}, x.grad().toDoubleArray(), EPS);
    }

    @Test
    void secondBackwardWithoutRetainGraphFailsNamingTheOp() {
        // the first backward frees the graph; going through it again says which op and how to keep it
        Tensor x = leaf(0.5, 1);
        Tensor y = x.exp().sum();
        y.backward();
        var e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("'sum'"), e.getMessage());
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void retainGraphAllowsASecondBackwardThatDoublesTheGradient() {
        // y = Σ eˣ, dy/dx = eˣ; two backwards through one retained graph accumulate 2eˣ
        Tensor x = leaf(0.5, 1);
        Tensor y = x.exp().sum();
        y.backward(null, true, false);
        y.backward();
        assertArrayEquals(new double[] {2 * Math.exp(0.5), 2 * Math.exp(1)}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void createGraphGivesSecondDerivativeOfCube() {
        // y = Σ x³: dy/dx = 3x², d²y/dx² = 6x
        Tensor x = leaf(-1, 2, 3);
        Tensor[] g = Autograd.grad(x.pow(3).sum(), null, List.of(x), false, true);
        assertArrayEquals(new double[] {3, 12, 27}, g[0].toDoubleArray(), 1e-12);
        assertTrue(g[0].requiresGrad(), "a createGraph gradient must itself be differentiable");
        g[0].sum().backward();
        assertArrayEquals(new double[] {-6, 12, 18}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void backwardWithCreateGraphLeavesDifferentiableLeafGradients() {
        // y = Σ x³ via backward(createGraph): x.grad = 3x², and d(Σ x.grad)/dx = 6x
        Tensor x = leaf(1, 2);
        x.pow(3).sum().backward(null, false, true);
        Tensor g = x.grad();
        assertTrue(g.requiresGrad());
        Tensor[] h = Autograd.grad(g.sum(), null, List.of(x), false, false);
        assertArrayEquals(new double[] {6, 12}, h[0].toDoubleArray(), 1e-12);
    }

    @Test
    void hessianVectorProductOfQuadraticFormIsSymmetrizedMatrixTimesVector() {
        // f(x) = xᵀAx: ∇f = (A + Aᵀ)x, H = A + Aᵀ, so ∇(∇f · v) = (A + Aᵀ)v
        Tensor a = Tensor.of(new double[] {1, 2, 0, 3, -1, 4, 5, 0, 2}, 3, 3);
        Tensor x = leaf(0.5, -1, 2), v = Tensor.of(new double[] {1, 2, -1}, 3);
        Tensor f = x.matmul(a.matmul(x));
        Tensor grad = Autograd.grad(f, null, List.of(x), false, true)[0];
        double[] s = a.add(a.mT()).matmul(x.detach()).toDoubleArray();
        assertArrayEquals(s, grad.toDoubleArray(), 1e-12);
        Tensor hv = Autograd.grad(grad.mul(v).sum(), null, List.of(x), false, false)[0];
        // (A + Aᵀ) = [[2, 5, 5], [5, -2, 4], [5, 4, 4]] times v = [1, 2, -1]
        assertArrayEquals(new double[] {7, -3, 9}, hv.toDoubleArray(), 1e-12);
    }

    @Test
    void hookOnLeafSeesAndReplacesItsGradient() {
        // y = Σ 2x: the hook sees 2 and returns 10·g, so x.grad = 20
        Tensor x = leaf(1, 2);
        AtomicReference<double[]> seen = new AtomicReference<>();
        x.registerHook(g -> {
            seen.set(g.toDoubleArray());
            return g.mul(10);
        });
        x.mul(2).sum().backward();
        assertArrayEquals(new double[] {2, 2}, seen.get(), EPS);
        assertArrayEquals(new double[] {20, 20}, x.grad().toDoubleArray(), EPS);
    }

    @Test
    void hookOnInteriorTensorChangesWhatFlowsUpstream() {
        // h = 3x, y = Σ h²: the hook sees dy/dh = 2h, halves it, so x.grad = 3·h = 9x
        Tensor x = leaf(1, -2);
        Tensor h = x.mul(3);
        List<double[]> seen = new ArrayList<>();
        h.registerHook(g -> {
            seen.add(g.toDoubleArray());
            return g.mul(0.5);
        });
        h.registerHook(g -> {
            seen.add(g.toDoubleArray());
            return null;    // an observer: null keeps the gradient as it is
        });
        h.square().sum().backward();
        assertArrayEquals(new double[] {6, -12}, seen.get(0), EPS);
        assertArrayEquals(new double[] {3, -6}, seen.get(1), EPS);
        assertArrayEquals(new double[] {9, -18}, x.grad().toDoubleArray(), EPS);
        assertNull(h.grad(), "interior tensors do not keep a grad");
    }

    @Test
    void hookOnTensorWithoutGradIsRefused() {
        // a hook could never run on a constant: say so at registration
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[] {1}, 1).registerHook(g -> g));
        assertTrue(e.getMessage().startsWith("registerHook:"), e.getMessage());
    }

    @Test
    void straightThroughSignIsSignForwardAndIdentityBackward() {
        // y = sign(x) forward, dy/dx := 1 backward; loss = Σ w·y gives x.grad = w
        CustomOp ste = CustomOp.of("sign_ste", in -> in[0].sign(), (g, in, out) -> new Tensor[] {g});
        Tensor x = leaf(-2, 0.5, 3), w = Tensor.of(new double[] {4, 5, 6}, 3);
        Tensor y = ste.apply(x);
        assertArrayEquals(new double[] {-1, 1, 1}, y.toDoubleArray(), EPS);
        assertEquals("sign_ste", y.gradFn());
        y.mul(w).sum().backward();
        assertArrayEquals(new double[] {4, 5, 6}, x.grad().toDoubleArray(), EPS);
    }

    @Test
    void customBackwardWithWrongArityFailsNamingTheOp() {
        // one input, two gradients: the error names the op and both counts
        CustomOp bad = CustomOp.of("twice", in -> in[0].mul(2), (g, in, out) -> new Tensor[] {g, g});
        Tensor x = leaf(1, 2);
        Tensor y = bad.apply(x).sum();
        var e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().startsWith("twice:"), e.getMessage());
        assertTrue(e.getMessage().contains("2 gradients for 1 inputs"), e.getMessage());
    }

    @Test
    void functionalGradDoesNotTouchGradFields() {
        // Autograd.grad returns dy/dx = 2x and leaves x.grad as it was (null here, then an old value)
        Tensor x = leaf(1, 2);
        Tensor[] g = Autograd.grad(x.square().sum(), null, List.of(x), false, false);
        assertArrayEquals(new double[] {2, 4}, g[0].toDoubleArray(), EPS);
        assertNull(x.grad());
        Tensor old = Tensor.of(new double[] {7, 7}, 2);
        x.setGrad(old);
        Autograd.grad(x.square().sum(), null, List.of(x), false, false);
        assertSame(old, x.grad());
    }

    @Test
    void functionalGradOfInteriorTensorAndOfUnusedInput() {
        // y = Σ h², h = x + 1: dy/dh = 2h; an input y does not depend on gets null
        Tensor x = leaf(1, 2), unused = leaf(5);
        Tensor h = x.add(1);
        Tensor[] g = Autograd.grad(h.square().sum(), null, List.of(h, unused), false, false);
        assertArrayEquals(new double[] {4, 6}, g[0].toDoubleArray(), EPS);
        assertNull(g[1]);
    }

    @Test
    void diamondGraphSumsBothPaths() {
        // u = 2x, v = x², y = Σ u·v = 2x³, so dy/dx = 6x² (2v through u plus 2x·u through v)
        Tensor x = leaf(1, -2, 0.5);
        Tensor u = x.mul(2), v = x.square();
        u.mul(v).sum().backward();
        assertArrayEquals(new double[] {6, 24, 1.5}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void deepChainOfHundredThousandOpsBackpropagatesWithoutRecursion() throws InterruptedException {
        // y = x + 1 + 1 + … (10⁵ adds), dy/dx = 1; run on a 256 KiB stack, so any recursion would overflow
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Tensor> grad = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                Tensor x = Tensor.scalar(DType.F64, 0).requiresGrad(true);
                Tensor y = x;
                for (int i = 0; i < 100_000; i++) y = y.add(1);
                assertEquals(100_000, y.item(), 0);
                y.backward();
                grad.set(x.grad());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "deep-chain", 256 * 1024);
        t.start();
        t.join();
        if (failure.get() != null) throw new AssertionError("deep chain failed", failure.get());
        assertNotNull(grad.get());
        assertEquals(1, grad.get().item(), 0);
    }

    @Test
    void backwardOfTensorWithoutGradExplainsWhy() {
        // a constant has no graph: the message says both possible causes
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[] {1}, 1).sum().backward());
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
        assertTrue(e.getMessage().contains("Grad.disabled()"), e.getMessage());
    }

    @Test
    void backwardOfNonScalarNeedsAGradientOfItsShape() {
        // y = 2x elementwise: seeding with g gives x.grad = 2g; no seed or a wrong-shaped one is an error
        Tensor x = leaf(1, 2, 3);
        Tensor y = x.mul(2);
        assertThrows(IllegalArgumentException.class, y::backward);
        var e = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(DType.F64, 2)));
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
        y.backward(Tensor.of(new double[] {1, 0, -1}, 3));
        assertArrayEquals(new double[] {2, 0, -2}, x.grad().toDoubleArray(), EPS);
    }
}
