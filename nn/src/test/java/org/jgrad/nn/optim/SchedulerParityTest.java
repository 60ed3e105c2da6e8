package org.jgrad.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jgrad.DType;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schedulers against PyTorch 1.13 (fixture from make_optim_fixtures.py): with two groups (the second at a
 * quarter of the rate), the rates after construction and after each of N steps agree within 1e-9, and so does the
 * momentum (SGD's momentum, Adam's β₁) that OneCycleLR cycles.
 */
class SchedulerParityTest {
    record Config(Function<List<List<Tensor>>, Optimizer> optimizer, Function<Optimizer, LrScheduler> scheduler) {
    }

    static final Map<String, Config> CONFIGS = new LinkedHashMap<>();

    static {
        Function<List<List<Tensor>>, Optimizer> sgd = g -> groups(new SGD(g.get(0), 0.1));
        CONFIGS.put("step", new Config(sgd, o -> new StepLR(o, 3, 0.5)));
        CONFIGS.put("multistep", new Config(sgd, o -> new MultiStepLR(o, new int[] {2, 5, 5, 9}, 0.3)));
        CONFIGS.put("cosine", new Config(sgd, o -> new CosineAnnealingLR(o, 10, 0.001)));
        CONFIGS.put("linear", new Config(sgd, o -> new LinearLR(o, 0.25, 1.0, 5)));
        CONFIGS.put("onecycle_sgd", new Config(g -> groups(new SGD(g.get(0), 0.1, 0.9, 0, 0, false)),
                o -> new OneCycleLR(o, new double[] {0.1, 0.05}, 20, 0.3, OneCycleLR.Anneal.COS, true, 0.85, 0.95,
                        25, 1e4, false)));
        CONFIGS.put("onecycle_adam", new Config(g -> groups(new Adam(g.get(0), 0.1)),
                o -> new OneCycleLR(o, new double[] {0.01}, 17, 0.25, OneCycleLR.Anneal.COS, true, 0.85, 0.95,
                        10, 100, false)));
        CONFIGS.put("onecycle_three_phase_linear", new Config(g -> groups(new SGD(g.get(0), 0.1, 0.9, 0, 0, false)),
                o -> new OneCycleLR(o, new double[] {0.2}, 15, 0.4, OneCycleLR.Anneal.LINEAR, true, 0.85, 0.95,
                        25, 1e4, true)));
        CONFIGS.put("sequential", new Config(sgd, o -> new SequentialLR(o, List.of(new LinearLR(o, 0.1, 1.0, 3),
                new CosineAnnealingLR(o, 8, 0.001)), new int[] {3})));
    }

    /** Adds the second group, holding the second parameter, at a quarter of the first group's rate. */
    static Optimizer groups(Optimizer opt) {
        opt.addParamGroup(List.of(Tensor.zeros(DType.F32, 3).requiresGrad(true)), Map.of("lr", opt.lr() / 4));
        return opt;
    }

    static List<String> names() {
        return List.copyOf(CONFIGS.keySet());
    }

    @Test
    void theFixtureAndTheTestListTheSameSchedules() {
        var inFixture = OptimizerParityTest.FIXTURE.keySet().stream().filter(k -> k.startsWith("sched.") && k.endsWith(".lr"))
                .map(k -> k.substring("sched.".length(), k.length() - ".lr".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(inFixture, new TreeSet<>(CONFIGS.keySet()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void ratesFollowPyTorch(String name) {
        Config c = CONFIGS.get(name);
        Optimizer opt = c.optimizer().apply(List.of(List.of(Tensor.zeros(DType.F32, 2).requiresGrad(true))));
        LrScheduler sched = c.scheduler().apply(opt);
        Tensor lrs = OptimizerParityTest.FIXTURE.get("sched." + name + ".lr");
        Tensor momenta = OptimizerParityTest.FIXTURE.get("sched." + name + ".momentum");
        String momentum = opt instanceof Adam ? "beta1" : "momentum";
        double worst = 0;
        for (int step = 0; step < lrs.size(0); step++) {
            if (step > 0) sched.step();
            assertEquals(step, sched.lastEpoch());
            for (int g = 0; g < 2; g++) {
                ParamGroup group = opt.paramGroups().get(g);
                worst = Math.max(worst, Math.abs(group.lr() - lrs.get(step, g)));
                assertEquals(lrs.get(step, g), group.lr(), 1e-9, name + ": lr of group " + g + " at step " + step);
                assertEquals(group.lr(), sched.lastLr()[g]);
                if (momenta != null)
                    assertEquals(momenta.get(step, g), group.get(momentum), 1e-9,
                            name + ": " + momentum + " of group " + g + " at step " + step);
            }
        }
        System.out.printf("schedule %-28s %d steps, max |Δlr| = %.3e%n", name, lrs.size(0) - 1, worst);
    }
}
