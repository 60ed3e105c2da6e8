package org.jgrad.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jgrad.DType;
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

/**
 * Square GEMM {@code c = a·b}, 64 … 2048, at 1 and 2 threads. GFLOP/s = 2·size³ / time. Warm-up is long enough
 * for C2 to compile the packed micro-kernel (the Vector API runs ~1000× slower before that).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    @Param({"64", "128", "256", "512", "1024", "2048"})
    int size;

    @Param({"1", "2"})
    int threads;

    @Param({"f32"})
    String dtype;

    /** opencl needs a device (its setup fails without one); the threads parameter then sizes only the host pool. */
    @Param({"cpu", "opencl"})
    String device;

    private Workload gemm;

    @Setup
    public void setup() {
        DType t = DType.valueOf(dtype.toUpperCase(Locale.ROOT));
        gemm = Workloads.gemm(BenchState.device(device, threads), t, size);
    }

    @Benchmark
    public Object matmul() {
        return gemm.run();
    }
}
