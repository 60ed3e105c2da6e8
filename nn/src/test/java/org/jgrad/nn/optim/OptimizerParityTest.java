package org.jgrad.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jgrad.DType;
import org.jgrad.Functional;
import org.jgrad.Tensor;
import org.jgrad.nn.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimizers against PyTorch 1.13 (fixture from make_optim_fixtures.py): a 6-5-3 tanh MLP with MSE loss from
 * the same weights, data and hyper-parameters ends 10 full-batch steps with the same parameters. float64 runs must
 * agree within 1e-10 (so that a misplaced ε or bias correction shows), the float32 run within 1e-5.
 */
class OptimizerParityTest {
    static final Map<String, Tensor> FIXTURE = fixture("optim_fixtures.safetensors");
    static final String[] NAMES = {"0.weight", "0.bias", "2.weight", "2.bias"};
    static final int STEPS = 10;

    /** One configuration of the script's OPTIMIZERS table; {@code make} gets the two layers' parameters. */
    record Config(Function<List<List<Tensor>>, Optimizer> make, double clipNorm, double normType, double clipValue,
                  Function<Optimizer, LrScheduler> scheduler) {
        static Config of(Function<List<Tensor>, Optimizer> make) {
            return new Config(layers -> make.apply(flat(layers)), 0, 0, 0, null);
        }

        Config clipNorm(double max, double type) {
            return new Config(make, max, type, clipValue, scheduler);
        }
    }

    static final Map<String, Config> CONFIGS = new LinkedHashMap<>();

    static {
        CONFIGS.put("sgd", Config.of(p -> new SGD(p, 0.1)));
        CONFIGS.put("sgd_momentum", Config.of(p -> new SGD(p, 0.1, 0.9, 0.1, 0.01, false)));
        CONFIGS.put("sgd_nesterov", Config.of(p -> new SGD(p, 0.05, 0.9, 0, 1e-3, true)));
        CONFIGS.put("sgd_groups", new Config(layers -> {
            var opt = new SGD(layers.get(0), 0.1, 0.5, 0, 0, false);
            opt.addParamGroup(layers.get(1), Map.of("lr", 0.02, "weight_decay", 0.1));
            return opt;
        }, 0, 0, 0, null));
        CONFIGS.put("adam", Config.of(p -> new Adam(p, 0.01)));
        CONFIGS.put("adam_amsgrad_wd", Config.of(p -> new Adam(p, 0.02, 0.8, 0.99, 1e-6, 0.05, true)));
        CONFIGS.put("adam_clip_norm", Config.of(p -> new Adam(p, 0.05)).clipNorm(0.5, 2));
        CONFIGS.put("adam_f32", Config.of(p -> new Adam(p, 0.01, 0.9, 0.999, 1e-8, 0.01, false)));
        CONFIGS.put("adamw", Config.of(p -> new AdamW(p, 0.01, 0.9, 0.999, 1e-8, 0.1, false)));
        CONFIGS.put("adamw_amsgrad", Config.of(p -> new AdamW(p, 0.03, 0.85, 0.995, 1e-7, 1e-2, true)));
        CONFIGS.put("rmsprop", Config.of(p -> new RMSprop(p, 0.01)));
        CONFIGS.put("rmsprop_centered_momentum", Config.of(p -> new RMSprop(p, 0.005, 0.9, 1e-6, 0.01, 0.8, true)));
        CONFIGS.put("rmsprop_momentum_clip_inf", Config.of(p -> new RMSprop(p, 0.01, 0.99, 1e-8, 0, 0.5, false))
                .clipNorm(0.05, Double.POSITIVE_INFINITY));
        CONFIGS.put("sgd_steplr_clip_value", new Config(layers -> new SGD(flat(layers), 0.2, 0.9, 0, 0, false),
                0, 0, 0.01, opt -> new StepLR(opt, 3, 0.5)));
    }

    static Map<String, Tensor> fixture(String resource) {
        try (InputStream in = OptimizerParityTest.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource + "; regenerate it with"
                    + " /usr/bin/python3 nn/src/test/python/make_optim_fixtures.py");
            return SafeTensors.load(in.readAllBytes()).tensors();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names() {
        return List.copyOf(CONFIGS.keySet());
    }

    static List<Tensor> flat(List<List<Tensor>> layers) {
        return layers.stream().flatMap(List::stream).toList();
    }

    /** The MLP's parameters, optimizer and scheduler for one configuration, stepping as the script does. */
    static final class Run {
        final Config config;
        final DType dtype;
        final List<Tensor> params = new ArrayList<>();
        final Optimizer opt;
        final LrScheduler sched;
        final Tensor x, y;
        final List<Double> losses = new ArrayList<>();

        Run(String name, Map<String, Tensor> start) {
            config = CONFIGS.get(name);
            dtype = name.endsWith("_f32") ? DType.F32 : DType.F64;
            for (String n : NAMES) params.add(start.get(n).to(dtype).copy().requiresGrad(true));
            opt = config.make().apply(List.of(params.subList(0, 2), params.subList(2, 4)));
            sched = config.scheduler() == null ? null : config.scheduler().apply(opt);
            x = FIXTURE.get("data.x").to(dtype);
            y = FIXTURE.get("data.y").to(dtype);
        }

        void step() {
            opt.zeroGrad();
            Tensor h = Functional.linear(x, params.get(0), params.get(1)).tanh();
            Tensor loss = Functional.mseLoss(Functional.linear(h, params.get(2), params.get(3)), y);
            loss.backward();
            losses.add(loss.item());
            if (config.clipNorm() > 0) GradClip.clipGradNorm(params, config.clipNorm(), config.normType());
            if (config.clipValue() > 0) GradClip.clipGradValue(params, config.clipValue());
            opt.step();
            if (sched != null) sched.step();
        }

        Map<String, Tensor> weights() {
            var out = new LinkedHashMap<String, Tensor>();
            for (int i = 0; i < NAMES.length; i++) out.put(NAMES[i], params.get(i));
            return out;
        }
    }

    static Map<String, Tensor> initial() {
        var out = new LinkedHashMap<String, Tensor>();
        for (String n : NAMES) out.put(n, FIXTURE.get("init." + n));
        return out;
    }

    @Test
    void theFixtureAndTheTestListTheSameConfigurations() {
        var inFixture = FIXTURE.keySet().stream().filter(k -> k.endsWith(".losses"))
                .map(k -> k.substring(0, k.length() - ".losses".length())).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(inFixture, new TreeSet<>(CONFIGS.keySet()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void tenStepsEndWherePyTorchEnds(String name) {
        var run = new Run(name, initial());
        for (int i = 0; i < STEPS; i++) run.step();
        double tol = run.dtype == DType.F32 ? 1e-5 : 1e-10, worst = 0;
        String at = "";
        for (var e : run.weights().entrySet()) {
            double[] got = e.getValue().toDoubleArray(), want = FIXTURE.get(name + ".final." + e.getKey()).toDoubleArray();
            for (int i = 0; i < want.length; i++)
                if (Math.abs(got[i] - want[i]) >= worst) {
                    worst = Math.abs(got[i] - want[i]);
                    at = e.getKey() + "[" + i + "]: jgrad " + got[i] + ", PyTorch " + want[i];
                }
        }
        double[] losses = FIXTURE.get(name + ".losses").toDoubleArray();
        System.out.printf("parity %-28s max |Δθ| = %.3e (%s)%n", name, worst, run.dtype);
        assertTrue(worst <= tol, name + ": parameters differ from PyTorch by " + worst + " > " + tol + " at " + at);
        for (int i = 0; i < STEPS; i++)
            assertEquals(losses[i], run.losses.get(i), tol, name + ": loss of step " + i);
    }

    /**
     * Saving the weights and the optimizer (and scheduler) state after 4 steps as safetensors and loading them into
     * fresh ones, as a checkpoint does, continues bit-exactly: the resumed run ends on exactly the uninterrupted run's parameters.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void resumingFromTheStateDictIsBitExact(String name) {
        var straight = new Run(name, initial());
        for (int i = 0; i < STEPS; i++) straight.step();
        var first = new Run(name, initial());
        for (int i = 0; i < 4; i++) first.step();
        var saved = throughSafeTensors(first.opt.stateDict());
        var resumed = new Run(name, throughSafeTensors(first.weights()));
        resumed.opt.loadStateDict(saved);
        if (resumed.sched != null) resumed.sched.loadStateDict(throughSafeTensors(first.sched.stateDict()));
        for (int i = 4; i < STEPS; i++) resumed.step();
        for (int i = 0; i < NAMES.length; i++)
            assertArrayEquals(straight.params.get(i).toDoubleArray(), resumed.params.get(i).toDoubleArray(),
                    name + ": " + NAMES[i] + " after resuming");
    }

    /** What a checkpoint gives back: the dict written as safetensors bytes and read again. */
    static Map<String, Tensor> throughSafeTensors(Map<String, Tensor> dict) {
        try {
            return SafeTensors.load(SafeTensors.toBytes(dict, Map.of())).tensors();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
