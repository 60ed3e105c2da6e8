package org.jgrad.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.bench.Workload;
import org.jgrad.bench.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./jgrad bench ...}: quick measurements of the benchmark workloads (the same ones JMH runs, from
 * {@link Workloads}), one line per measurement with the median time and GFLOP/s.
 */
@Command(name = "bench", description = "Time GEMM, convolutions, elementwise ops or a training step (median of repeated runs).",
        subcommands = {BenchCommand.Gemm.class, BenchCommand.Conv.class, BenchCommand.TrainStep.class,
                BenchCommand.Elementwise.class, BenchCommand.Peak.class},
        mixinStandardHelpOptions = true)
final class BenchCommand {
    /** The options every bench command shares. */
    static final class Common {
        @Option(names = "--device", defaultValue = "cpu", description = "cpu, opencl or reference (default: ${DEFAULT-VALUE})")
        String device;

        @Option(names = "--threads", description = "worker threads of the CPU backend (sets -Djgrad.threads; default: all cores)")
        Integer threads;

        @Option(names = "--warmup", defaultValue = "3", description = "seconds of warm-up per workload (default: ${DEFAULT-VALUE})")
        double warmupS;

        @Option(names = "--samples", defaultValue = "15", description = "timed samples; the median is reported (default: ${DEFAULT-VALUE})")
        int samples;

        @Option(names = "--min-sample-ms", defaultValue = "20", description = "each sample repeats the workload to last this long (default: ${DEFAULT-VALUE})")
        double minSampleMs;

        /** Sets the thread count before the first tensor op (the pool reads it once), then opens the device. */
        Device open() {
            if (threads != null) {
                if (threads < 1) throw new IllegalArgumentException("bench: --threads must be at least 1, got " + threads);
                System.setProperty("jgrad.threads", threads.toString());
            }
            return Device.named(device);
        }

        /** The threads that actually run: the reference backend is single-threaded. */
        int effectiveThreads() {
            if (device.equals("reference")) return 1;
            if (threads != null) return threads;
            String p = System.getProperty("jgrad.threads");
            return p != null ? Integer.parseInt(p.strip()) : Runtime.getRuntime().availableProcessors();
        }

        /** Builds each workload on the device, measures it and prints its line as soon as it is known. */
        <T> void measure(List<T> items, Function<T, Workload> build, String dtype) {
            measure(items, build, dtype, open().name());
        }

        <T> void measure(List<T> items, Function<T, Workload> build, String dtype, String deviceName) {
            System.out.printf(Locale.ROOT, "# jgrad bench: java %s (%s), %s, %d cpus, jgrad.threads=%s%n",
                    System.getProperty("java.version"), System.getProperty("java.vm.vendor"),
                    System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                    System.getProperty("jgrad.threads", "(default)"));
            for (T item : items) {
                Workload w = build.apply(item);
                Measure.Result r = Measure.run(w, warmupS, samples, minSampleMs);
                System.out.println(r.line(deviceName, effectiveThreads(), dtype));
                System.out.flush();
            }
        }
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "c = a·b for square sizes (GFLOP/s = 2·N³/time), or the GEMM shapes inside the convnet.")
    static final class Gemm implements Runnable {
        @Mixin
        Common common;

        @Option(names = "--size", split = ",", description = "matrix sizes, e.g. 256,512 (default: 512)")
        List<Integer> sizes = new ArrayList<>(List.of(512));

        @Option(names = "--dtype", defaultValue = "f32", description = "f32 or f64 (default: ${DEFAULT-VALUE})")
        String dtype;

        @Option(names = "--convnet-shapes", description = "time the convnet's layer GEMMs (batch 64) instead of square sizes")
        boolean convnetShapes;

        @Override
        public void run() {
            DType t = switch (dtype.toLowerCase(Locale.ROOT)) {
                case "f32" -> DType.F32;
                case "f64" -> DType.F64;
                default -> throw new IllegalArgumentException("bench gemm: --dtype must be f32 or f64, got '" + dtype + "'");
            };
            if (convnetShapes) {
                common.measure(Workloads.CONVNET_GEMM_SHAPES, s -> Workloads.convnetGemm(Device.named(common.device), s), "f32");
            } else {
                common.measure(sizes, n -> Workloads.gemm(Device.named(common.device), t, n), dtype.toLowerCase(Locale.ROOT));
            }
        }
    }

    @Command(name = "conv", mixinStandardHelpOptions = true,
            description = "The convnet's conv layers at batch 64: forward, and forward + backward.")
    static final class Conv implements Runnable {
        @Mixin
        Common common;

        @Option(names = "--layer", split = ",", description = "1 (1→32 channels, 28×28) and/or 2 (32→64, 14×14); default: both")
        List<Integer> layers = new ArrayList<>(List.of(1, 2));

        @Override
        public void run() {
            List<int[]> cases = new ArrayList<>();
            for (int l : layers) {
                if (l != 1 && l != 2) throw new IllegalArgumentException("bench conv: --layer must be 1 or 2, got " + l);
                cases.add(new int[] {l, 0});
                cases.add(new int[] {l, 1});
            }
            common.measure(cases, c -> Workloads.conv(Device.named(common.device), c[0], c[1] == 1), "f32");
        }
    }

    @Command(name = "train-step", mixinStandardHelpOptions = true,
            description = "One SGD step (forward, cross-entropy, backward, update) at batch 64.")
    static final class TrainStep implements Runnable {
        @Mixin
        Common common;

        @Option(names = "--model", split = ",", description = "mlp (784-256-10) and/or convnet; default: both")
        List<String> models = new ArrayList<>(Workloads.MODELS);

        @Override
        public void run() {
            common.measure(models, m -> Workloads.trainStep(Device.named(common.device), m), "f32");
        }
    }

    @Command(name = "elementwise", mixinStandardHelpOptions = true,
            description = "Elementwise ops and a sum over 2^20 F32 elements (GFLOP/s counts one op per element).")
    static final class Elementwise implements Runnable {
        @Mixin
        Common common;

        @Option(names = "--op", split = ",", description = "add, mul, relu, exp, tanh, sigmoid, sum; default: all")
        List<String> ops = new ArrayList<>(Workloads.ELEMENTWISE_OPS);

        @Override
        public void run() {
            common.measure(ops, op -> Workloads.elementwise(Device.named(common.device), op), "f32");
        }
    }

    @Command(name = "peak", mixinStandardHelpOptions = true,
            description = "The FP32 FMA peak of --threads cores at each vector width: register-only FMA chains, no memory.")
    static final class Peak implements Runnable {
        @Mixin
        Common common;

        @Option(names = "--bits", split = ",", description = "vector widths: 128, 256, 512 (default: 256,512)")
        List<Integer> bits = new ArrayList<>(List.of(256, 512));

        @Override
        public void run() {
            int threads = common.threads == null ? Runtime.getRuntime().availableProcessors() : common.threads;
            common.device = "jvm";
            common.measure(bits, b -> Workloads.fmaPeak(b, threads), "f32", "jvm");
        }
    }
}
