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

/** The GEMMs inside the convnet's layers at batch 64 ({@link Workloads#CONVNET_GEMM_SHAPES}): thin and long shapes. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvnetGemmBenchmark {
    @Param({"conv1-fwd=32x50176x9", "conv2-fwd=64x12544x288", "conv2-wgrad=64x288x12544",
            "conv2-dgrad=288x12544x64", "linear1-fwd=64x128x3136", "linear1-wgrad=128x3136x64"})
    String shape;

    @Param({"1", "2"})
    int threads;

    @Param({"cpu"})
    String device;

    private Workload gemm;

    @Setup
    public void setup() {
        gemm = Workloads.convnetGemm(BenchState.device(device, threads), shape);
    }

    @Benchmark
    public Object matmul() {
        return gemm.run();
    }
}
