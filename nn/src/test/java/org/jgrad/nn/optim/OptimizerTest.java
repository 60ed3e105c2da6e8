package org.jgrad.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/** The optimizer contract: validation, parameter groups, zeroGrad, hand-computed steps and state dicts. */
class OptimizerTest {
    static Tensor param(double... v) {
        return Tensor.of(v, v.length).requiresGrad(true);
    }

    /** loss = Σ c·p, so that p.grad = c exactly. */
    static void gradient(Tensor p, double c) {
        p.mul(c).sum().backward();
    }

    static void assertRejected(Supplier<?> make, String... parts) {
        var e = assertThrows(IllegalArgumentException.class, make::get);
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks " + part);
    }

    @Test
    void invalidHyperParametersAreRejectedNamingTheOptionAndValue() {
        List<Tensor> p = List.of(param(1));
        assertRejected(() -> new SGD(p, -0.1), "SGD", "lr", "-0.1");
        assertRejected(() -> new SGD(p, Double.NaN), "SGD", "lr", "NaN");
        assertRejected(() -> new SGD(p, 0.1, -0.9, 0, 0, false), "SGD", "momentum", "-0.9");
        assertRejected(() -> new SGD(p, 0.1, 0.9, 0.1, 0, true), "SGD", "Nesterov", "dampening 0.1");
        assertRejected(() -> new SGD(p, 0.1, 0, 0, 0, true), "SGD", "Nesterov", "momentum 0.0");
        assertRejected(() -> new Adam(p, -1e-3), "Adam", "lr", "-0.001");
        assertRejected(() -> new Adam(p, 1e-3, 1.0, 0.999, 1e-8, 0, false), "Adam", "beta1", "1.0", "< 1");
        assertRejected(() -> new Adam(p, 1e-3, 0.9, -0.5, 1e-8, 0, false), "Adam", "beta2", "-0.5");
        assertRejected(() -> new Adam(p, 1e-3, 0.9, 0.999, -1e-8, 0, false), "Adam", "eps");
        assertRejected(() -> new AdamW(p, 1e-3, 0.9, 0.999, 1e-8, -0.01, false), "AdamW", "weight_decay", "-0.01");
        assertRejected(() -> new RMSprop(p, 0.01, -0.99, 1e-8, 0, 0, false), "RMSprop", "alpha", "-0.99");
        assertRejected(() -> new RMSprop(p, 0.01, 0.99, 1e-8, 0, -0.5, false), "RMSprop", "momentum", "-0.5");
    }

    @Test
    void badParametersAreRejectedNamingWhichOne() {
        Tensor a = param(1, 2);
        assertRejected(() -> new SGD(List.of(), 0.1), "SGD", "empty parameter list");
        assertRejected(() -> new SGD(List.of(a, a.mul(2)), 0.1), "parameter 1 of group 0", "mul", "leaf");
        assertRejected(() -> new SGD(List.of(Tensor.of(new int[] {1}, 1)), 0.1), "parameter 0", "I32");
        assertRejected(() -> new Adam(List.of(a, a), 0.1), "parameter 1 of group 0", "more than once");
        var opt = new SGD(List.of(a), 0.1);
        assertRejected(() -> opt.addParamGroup(List.of(param(1), a), Map.of()), "parameter 1 of group 1", "more than once");
        assertRejected(() -> opt.addParamGroup(List.of(param(1)), Map.of("betas", 0.9)), "unknown option 'betas'",
                "lr", "momentum");
        assertRejected(() -> opt.addParamGroup(List.of(param(1)), Map.of("lr", -1.0)), "lr", "-1.0");
        assertEquals(1, opt.paramGroups().size(), "a rejected group is not added");
    }

    @Test
    void settingAnOptionValidatesItAndLeavesTheGroupUnchangedOnError() {
        var opt = new SGD(List.of(param(1)), 0.1, 0.9, 0, 0, true);
        ParamGroup g = opt.paramGroups().getFirst();
        assertRejected(() -> {
            g.set("momentum", 0);
            return null;
        }, "Nesterov");
        assertEquals(0.9, g.get("momentum"));
        assertRejected(() -> g.get("beta1"), "no option 'beta1'", "momentum");
        g.setLr(0.5);
        assertEquals(0.5, opt.lr());
        opt.setLr(0.25);
        assertEquals(0.25, g.lr());
    }

    /** With loss = Σ 2·a + Σ 3·b, SGD moves a by −lr₀·2 and b by −lr₁·3 (its own group's rate). */
    @Test
    void eachGroupStepsWithItsOwnLearningRate() {
        Tensor a = param(1, -1), b = param(0.5);
        var opt = new SGD(List.of(a), 0.1);
        opt.addParamGroup(List.of(b), Map.of("lr", 0.01));
        a.mul(2).sum().add(b.mul(3).sum()).backward();
        opt.step();
        assertArrayEquals(new double[] {1 - 0.2, -1 - 0.2}, a.toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0.5 - 0.03}, b.toDoubleArray(), 1e-15);
    }

    /**
     * Adam's first step from m = v = 0 with gradient g: m = (1 − β₁)·g, v = (1 − β₂)·g², the bias corrections give
     * m̂ = g and √v̂ = |g|, so θ moves by −lr·g/(|g| + ε). AdamW first shrinks θ by (1 − lr·λ).
     */
    @Test
    void adamsFirstStepIsTheLearningRateTimesTheSignOfTheGradient() {
        Tensor p = param(1.0, -2.0), q = param(1.0, -2.0);
        gradient(p, 4);
        gradient(q, 4);
        new Adam(List.of(p), 0.1).step();
        new AdamW(List.of(q), 0.1, 0.9, 0.999, 1e-8, 0.5, false).step();
        double move = 0.1 * 4 / (4 + 1e-8);
        assertArrayEquals(new double[] {1.0 - move, -2.0 - move}, p.toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0.95 - move, -1.9 - move}, q.toDoubleArray(), 1e-15);
    }

    @Test
    void parametersWithoutAGradientAreSkippedAndGetNoState() {
        Tensor a = param(1), b = param(2);
        var opt = new Adam(List.of(a, b), 0.1);
        gradient(a, 1);
        opt.step();
        assertEquals(2.0, b.item());
        assertNull(opt.stateOf(b));
        assertEquals(1, opt.stateOf(a).step);
        assertEquals(Set.of("param_groups.0.lr", "param_groups.0.beta1", "param_groups.0.beta2", "param_groups.0.eps",
                "param_groups.0.weight_decay", "param_groups.0.amsgrad", "param_groups.0.params", "state.0.step",
                "state.0.exp_avg", "state.0.exp_avg_sq"), opt.stateDict().keySet());
    }

    @Test
    void aGradientOfAnotherShapeIsRefusedBeforeAnythingChanges() {
        Tensor a = param(1, 2), b = param(3);
        var opt = new SGD(List.of(b, a), 0.1);
        b.setGrad(Tensor.of(new double[] {1}, 1));
        a.setGrad(Tensor.of(new double[] {1}, 1));
        var e = assertThrows(IllegalStateException.class, opt::step);
        assertTrue(e.getMessage().contains("tensor [2] F64 is tensor [1] F64"), e.getMessage());
        assertEquals(3.0, b.item());
    }

    @Test
    void zeroGradClearsToNullOrToFreshZerosWithoutTouchingTheOldGradient() {
        Tensor a = param(1, 2), seed = Tensor.of(new double[] {5, 7}, 2);
        a.mul(1).backward(seed);
        Tensor old = a.grad();
        var opt = new SGD(List.of(a), 0.1);
        opt.zeroGrad(false);
        assertNotSame(old, a.grad());
        assertArrayEquals(new double[] {0, 0}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {5, 7}, seed.toDoubleArray(), "the backward seed is untouched");
        assertArrayEquals(new double[] {5, 7}, old.toDoubleArray());
        opt.zeroGrad();
        assertNull(a.grad());
        opt.zeroGrad();
        assertNull(a.grad());
    }

    @Test
    void stateLivesOnTheParametersDeviceAndDtype() {
        Tensor p = Tensor.of(new float[] {1, 2}, 2).to(Device.reference()).requiresGrad(true);
        var opt = new RMSprop(List.of(p), 0.01, 0.99, 1e-8, 0, 0.9, true);
        gradient(p, 3);
        opt.step();
        for (Tensor buf : opt.stateOf(p).buffers.values()) {
            assertSame(p.device(), buf.device());
            assertEquals(DType.F32, buf.dtype());
        }
        assertSame(p.device(), p.grad().device());
    }

    static Adam steppedAdam(Tensor w, Tensor b) {
        var opt = new Adam(List.of(w), 0.1, 0.9, 0.999, 1e-8, 0, true);
        opt.addParamGroup(List.of(b), Map.of("lr", 0.05));
        w.sum().add(b.mul(2).sum()).backward();
        opt.step();
        return opt;
    }

    @Test
    void loadingAMismatchedStateDictListsEveryProblemAndChangesNothing() {
        Tensor w = Tensor.zeros(DType.F64, 2, 3).requiresGrad(true), b = param(0, 0, 0);
        Adam opt = steppedAdam(w, b);
        var before = OptimizerParityTest.throughSafeTensors(opt.stateDict());
        var bad = new LinkedHashMap<>(OptimizerParityTest.throughSafeTensors(opt.stateDict()));
        bad.remove("state.0.exp_avg_sq");
        bad.put("state.0.exp_avg", Tensor.zeros(DType.F64, 3, 2));
        bad.put("state.7.exp_avg", Tensor.zeros(DType.F64, 1));
        bad.put("param_groups.1.lr", Tensor.of(new double[] {1, 2}, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(bad));
        String m = e.getMessage();
        for (String part : List.of("Adam.loadStateDict", "nothing was loaded", "missing keys [state.0.exp_avg_sq]",
                "unexpected keys [state.7.exp_avg]", "state.0.exp_avg: expected a floating-point tensor [2, 3]",
                "got tensor [3, 2] F64", "param_groups.1.lr: expected a 0-d scalar, got tensor [2] F64"))
            assertTrue(m.contains(part), m + " lacks " + part);
        assertStateEquals(before, opt.stateDict());
    }

    @Test
    void loadingBadValuesFailsNamingThem() {
        Tensor w = Tensor.zeros(DType.F64, 2, 3).requiresGrad(true), b = param(0, 0, 0);
        Adam opt = steppedAdam(w, b);
        var bad = new LinkedHashMap<>(opt.stateDict());
        bad.put("state.1.step", Tensor.scalar(DType.F64, 1.5));
        bad.put("param_groups.0.beta1", Tensor.scalar(DType.F64, 1.5));
        bad.put("param_groups.1.params", Tensor.of(new int[] {1, 2}, 2));
        String m = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(bad)).getMessage();
        for (String part : List.of("state.1.step: expected a whole number of steps, got 1.5", "beta1 1.5",
                "param_groups.1.params: expected the indices [1] (a group of 1 parameters)"))
            assertTrue(m.contains(part), m + " lacks " + part);
        assertRejected(() -> {
            new SGD(List.of(w, b), 0.1).loadStateDict(opt.stateDict());
            return null;
        }, "SGD.loadStateDict", "missing keys [param_groups.0.dampening");
    }

    /** A fresh optimizer loads another's state (options included) and holds copies, not the loaded tensors. */
    @Test
    void aLoadedStateIsACopyOnTheParametersDevice() {
        Tensor w = Tensor.zeros(DType.F64, 2, 3).requiresGrad(true), b = param(0, 0, 0);
        Adam opt = steppedAdam(w, b);
        var saved = opt.stateDict();
        var fresh = new Adam(List.of(w), 0.3);
        fresh.addParamGroup(List.of(b), Map.of());
        fresh.loadStateDict(saved);
        assertEquals(0.05, fresh.paramGroups().get(1).lr());
        assertEquals(1.0, fresh.paramGroups().get(0).get("amsgrad"));
        assertStateEquals(saved, fresh.stateDict());
        assertNotSame(saved.get("state.0.exp_avg"), fresh.stateDict().get("state.0.exp_avg"));
    }

    static void assertStateEquals(Map<String, Tensor> want, Map<String, Tensor> got) {
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet())
            assertArrayEquals(want.get(k).toDoubleArray(), got.get(k).toDoubleArray(), k);
    }
}
