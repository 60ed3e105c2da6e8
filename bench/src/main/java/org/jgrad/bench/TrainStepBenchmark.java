package org.jgrad.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** One SGD step (forward, cross-entropy, backward, update) of the MLP 784-256-10 and of the convnet, batch 64. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainStepBenchmark {
    @Param({"mlp", "convnet"})
    String model;

    @Param({"1", "2"})
    int threads;

    /** opencl needs a device (its setup fails without one); the threads parameter then sizes only the host pool. */
    @Param({"cpu", "opencl"})
    String device;

    private Workload step;

    @Setup
    public void setup() {
        step = Workloads.trainStep(BenchState.device(device, threads), model);
    }

    @Benchmark
    public Object step() {
        return step.run();
    }
}
