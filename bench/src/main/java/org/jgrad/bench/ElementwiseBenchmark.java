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

/** Elementwise ops and a full sum over 2²⁰ F32 elements: memory-bound, so compare them as GB/s as well. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBenchmark {
    @Param({"add", "mul", "relu", "exp", "tanh", "sigmoid", "sum"})
    String op;

    @Param({"1", "2"})
    int threads;

    @Param({"cpu"})
    String device;

    private Workload work;

    @Setup
    public void setup() {
        work = Workloads.elementwise(BenchState.device(device, threads), op);
    }

    @Benchmark
    public Object run() {
        return work.run();
    }
}
