package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jgrad.CustomOp;
import org.jgrad.DType;
import org.jgrad.Functional;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/** GradCheck accepts correct gradients of every shape and rejects wrong ones, at first and second order. */
class GradCheckTest {
    /** exp with a backward that is twice too large: d/dx exp(x) := 2·exp(x). */
    private static final CustomOp DOUBLED = CustomOp.of("expDoubled", in -> in[0].exp(),
            (g, in, out) -> new Tensor[] {g.mul(out).mul(2)});
    /** exp with a correct first derivative whose own derivative is lost: out is detached, so d²/dx² := 0. */
    private static final CustomOp FLAT_SECOND = CustomOp.of("expFlatSecond", in -> in[0].exp(),
            (g, in, out) -> new Tensor[] {g.mul(out.detach())});
    /** x·y with a correct gradient for x and a negated one for y. */
    private static final CustomOp WRONG_SECOND_INPUT = CustomOp.of("mulWrongY", in -> in[0].mul(in[1]),
            (g, in, out) -> new Tensor[] {g.mul(in[1]), g.mul(in[0]).neg()});

    private static Tensor f64(long seed, Domain d, int... shape) {
        return Gens.tensor(shape, d, DType.F64, seed);
    }

    @Test
    void correctOpsPassFirstOrder() {
        // exp (non-scalar output), matmul (two inputs), and a broadcasting composite all pass
        GradCheck.check(in -> in[0].exp(), f64(1, Domain.real(), 2, 3));
        GradCheck.check(in -> in[0].matmul(in[1]), f64(2, Domain.real(), 2, 3), f64(3, Domain.real(), 3, 4));
        GradCheck.check(in -> in[0].mul(in[1]).softmax(-1).log().add(in[0].tanh()).sum(0),
                f64(4, Domain.real(), 2, 3), f64(5, Domain.real(), 3));
        GradCheck.check(in -> in[0].log().mean(), f64(6, Domain.positive(), 4));
    }

    @Test
    void integerInputsPassThroughUndifferentiated() {
        // the I32 index of gather is neither converted nor differentiated; cross-entropy's targets likewise
        Tensor index = Tensor.of(new int[] {2, 0, 1, 1}, 2, 2);
        GradCheck.check(in -> in[0].gather(1, in[1]), f64(7, Domain.real(), 2, 3), index);
        assertArrayEquals(new int[] {2, 0, 1, 1}, index.toIntArray());
        GradCheck.check(in -> Functional.crossEntropy(in[0], in[1]), f64(8, Domain.real(), 3, 4), Tensor.of(new int[] {3, 0, 1}, 3));
    }

    @Test
    void callersTensorsAreNotTouched() {
        // an F32 input that requires grad keeps its values, dtype, version and empty grad
        Tensor x = Tensor.rand(9, 2, 3).requiresGrad(true);
        float[] before = x.toFloatArray();
        int version = x.version();
        GradCheck.check(in -> in[0].sigmoid(), x);
        GradCheck.checkGradGrad(in -> in[0].sigmoid(), x);
        GradCheck.checkJvpVjp(in -> in[0].sigmoid(), 1, x);
        assertArrayEquals(before, x.toFloatArray());
        assertEquals(version, x.version());
        assertEquals(DType.F32, x.dtype());
        assertNull(x.grad());
    }

    @Test
    void doubledBackwardFailsNamingTheWorstElement() {
        // 2·exp(x) against exp(x): the message names the input, the element, both values, the tolerance and the ratio
        AssertionError e = assertThrows(AssertionError.class,
                () -> GradCheck.check(in -> DOUBLED.apply(in[0]).mul(in[1]), f64(10, Domain.real(), 2, 3), f64(11, Domain.real(), 2, 3)));
        String m = e.getMessage();
        assertTrue(m.contains("input 0 (tensor [2, 3] F64") && !m.contains("input 1 ("), m);
        assertTrue(m.contains("worst at output [") && m.contains("analytic ") && m.contains("numeric ")
                && m.contains("> tolerance") && m.contains("analytic/numeric = 2.000"), m);
    }

    @Test
    void doubledBackwardFailsSecondOrder() {
        // the same wrong op fails gradgradcheck too
        assertThrows(AssertionError.class, () -> GradCheck.checkGradGrad(in -> DOUBLED.apply(in[0]), f64(12, Domain.real(), 3)));
    }

    @Test
    void lostSecondDerivativePassesFirstOrderButFailsSecond() {
        // a backward built from a detached output is right at first order and wrong at second
        Tensor x = f64(13, Domain.real(), 2, 2);
        GradCheck.check(in -> FLAT_SECOND.apply(in[0]), x);
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.checkGradGrad(in -> FLAT_SECOND.apply(in[0]), x));
        assertTrue(e.getMessage().startsWith("GradCheck.checkGradGrad:") && e.getMessage().contains("input 0"), e.getMessage());
    }

    @Test
    void correctOpsPassSecondOrder() {
        // tanh, matmul (linear: only the output gradient's part is non-zero), softmax and a product of inputs
        GradCheck.checkGradGrad(in -> in[0].tanh(), f64(14, Domain.real(), 2, 3));
        GradCheck.checkGradGrad(in -> in[0].matmul(in[1]), f64(15, Domain.real(), 2, 3), f64(16, Domain.real(), 3, 2));
        GradCheck.checkGradGrad(in -> in[0].softmax(-1), f64(17, Domain.real(), 2, 3));
        GradCheck.checkGradGrad(in -> in[0].mul(in[1]).exp().sum(), f64(18, Domain.real(), 3), f64(19, Domain.real(), 3));
    }

    @Test
    void transposeIdentityHoldsForLargeCorrectOps() {
        // ⟨u, J·v⟩ = ⟨Jᵀu, v⟩ on 1000-element inputs: exp, softmax along rows, matmul of two inputs
        GradCheck.checkJvpVjp(in -> in[0].exp(), 1, f64(20, Domain.real(), 1000));
        GradCheck.checkJvpVjp(in -> in[0].softmax(1), 2, f64(21, Domain.real(), 10, 100));
        GradCheck.checkJvpVjp(in -> in[0].matmul(in[1]).tanh(), 3, f64(22, Domain.real(), 20, 50), f64(23, Domain.real(), 50, 20));
    }

    @Test
    void transposeIdentityCatchesAWrongBackwardOnALargeInput() {
        // a doubled backward on 1000 elements breaks the identity by a factor of 2
        AssertionError e = assertThrows(AssertionError.class,
                () -> GradCheck.checkJvpVjp(in -> DOUBLED.apply(in[0]), 4, f64(24, Domain.real(), 1000)));
        assertTrue(e.getMessage().contains("seed 4") && e.getMessage().contains("ratio 2.000"), e.getMessage());
    }

    @Test
    void transposeIdentityNamesTheWrongInput() {
        // only input 1's gradient is wrong, and only input 1 is named
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.checkJvpVjp(
                in -> WRONG_SECOND_INPUT.apply(in[0], in[1]), 5, f64(25, Domain.real(), 40, 25), f64(26, Domain.real(), 40, 25)));
        assertTrue(e.getMessage().contains("input 1 (") && !e.getMessage().contains("input 0 ("), e.getMessage());
        AssertionError full = assertThrows(AssertionError.class, () -> GradCheck.check(
                in -> WRONG_SECOND_INPUT.apply(in[0], in[1]), f64(27, Domain.real(), 3), f64(28, Domain.real(), 3)));
        assertTrue(full.getMessage().contains("input 1 (") && !full.getMessage().contains("input 0 ("), full.getMessage());
    }

    @Test
    void unusedInputsAndConstantOutputsAreZeroOnBothSides() {
        // an input f ignores has a zero Jacobian by autograd and by differences; a constant f needs no graph
        GradCheck.check(in -> in[0].exp(), f64(29, Domain.real(), 3), f64(30, Domain.real(), 2));
        GradCheck.check(in -> Tensor.zeros(DType.F64, 2), f64(31, Domain.real(), 3));
        GradCheck.checkGradGrad(in -> in[0].mul(2), f64(32, Domain.real(), 3));
    }

    @Test
    void misuseIsReportedClearly() {
        // no floating input, a non-F64 output and invalid options are errors that say what is wrong
        IllegalArgumentException noFloat = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(in -> in[0].to(DType.F64), Tensor.of(new int[] {1, 2}, 2)));
        assertTrue(noFloat.getMessage().contains("no floating-point input"), noFloat.getMessage());
        IllegalArgumentException f32 = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(in -> in[0].to(DType.F32), f64(33, Domain.real(), 2)));
        assertTrue(f32.getMessage().contains("F32"), f32.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GradCheck.Options(0, 1e-5, 1e-3));
    }

    @Test
    void optionsSetTheTolerance() {
        // a 0.1% error passes rtol 1e-2 and fails the default rtol 1e-3 with atol 0
        CustomOp slightlyOff = CustomOp.of("expOff", in -> in[0].exp(), (g, in, out) -> new Tensor[] {g.mul(out).mul(1.002)});
        Tensor x = f64(34, Domain.real(), 3);
        GradCheck.check(in -> slightlyOff.apply(in[0]), new GradCheck.Options(1e-6, 0, 1e-2), x);
        assertThrows(AssertionError.class, () -> GradCheck.check(in -> slightlyOff.apply(in[0]), new GradCheck.Options(1e-6, 0, 1e-3), x));
    }
}
