/**
 * jgrad's benchmarks. {@link org.jgrad.bench.Workloads} defines each workload once (GEMM, the convnet's layers,
 * elementwise ops, the MLP and convnet training steps, the FMA peak) with its FLOP count; the JMH classes here and
 * {@code ./jgrad bench} (module cli) both time those same objects, and {@code bench/compare.py} mirrors them in
 * PyTorch and numpy and writes {@code bench/RESULTS.md}.
 *
 * <p>Build and run the JMH suite:
 * <pre>
 * ./mvnw -B -Pbench -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar GemmBenchmark -p size=512 -p threads=1,2
 * java -jar bench/target/benchmarks.jar TrainStep -p device=reference   # any backend by name
 * </pre>
 * Every fork gets {@code --add-modules jdk.incubator.vector}; the thread count is a parameter, set as
 * {@code jgrad.threads} before the fork's first tensor op.
 */
package org.jgrad.bench;
