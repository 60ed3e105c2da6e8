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

/** The convnet's conv layers at batch 64: forward alone, and forward + backward as training runs them. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {
    @Param({"1", "2"})
    int layer;

    @Param({"1", "2"})
    int threads;

    @Param({"cpu"})
    String device;

    private Workload forward;
    private Workload forwardBackward;

    @Setup
    public void setup() {
        var d = BenchState.device(device, threads);
        forward = Workloads.conv(d, layer, false);
        forwardBackward = Workloads.conv(d, layer, true);
    }

    @Benchmark
    public Object forward() {
        return forward.run();
    }

    @Benchmark
    public Object forwardBackward() {
        return forwardBackward.run();
    }
}
