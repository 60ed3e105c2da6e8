package org.jgrad.backend.opencl;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.spi.Layout;
import org.jgrad.spi.View;

/**
 * GEMM timings of one variant on the OpenCL device, for tuning the kernels (not a test; the project's benchmarks go
 * through JMH and {@code jgrad bench}). Args: {@code cpu|gpu f32|f64 seconds shape...} with a shape {@code N} (N×N·N×N)
 * or {@code MxNxK}; prints the median and best GFLOP/s of repeated products after a warm-up of the same length.
 */
final class GemmBench {
    private GemmBench() {
    }

    public static void main(String[] args) {
        Gemm.Variant variant = Gemm.chosen(args[0], 0);
        DType dtype = DType.valueOf(args[1].toUpperCase(Locale.ROOT));
        double seconds = Double.parseDouble(args[2]);
        OpenClBackend backend = (OpenClBackend) Device.opencl().backend();
        try (Gemm gemm = new Gemm(backend, variant, Gemm.gpuKernel(System.getProperty(Gemm.GPU_PROPERTY, "")),
                Gemm.computeUnits(backend.cl()))) {
            for (int i = 3; i < args.length; i++) {
                int[] mnk = Arrays.stream(args[i].split("x")).mapToInt(Integer::parseInt).toArray();
                int m = mnk[0], n = mnk.length == 3 ? mnk[1] : m, k = mnk.length == 3 ? mnk[2] : m;
                View a = random(backend, dtype, m, k), b = random(backend, dtype, k, n), out = random(backend, dtype, m, n);
                Runnable product = () -> {
                    gemm.matmul(a, b, out);
                    backend.cl().finish();
                };
                time(product, seconds);
                double[] ms = time(product, seconds);
                Arrays.sort(ms);
                double flop = 2.0 * m * n * k;
                System.out.printf("%s %s %dx%dx%d median %.1f GFLOP/s best %.1f (%d runs)%n", variant, dtype, m, n, k,
                        flop / ms[ms.length / 2] / 1e6, flop / ms[0] / 1e6, ms.length);
                for (View v : new View[] {a, b, out}) ((ClStorage) v.storage()).close();
            }
        }
    }

    /** A [1, rows, cols] row-major operand of uniform values on the device. */
    private static View random(OpenClBackend backend, DType dtype, int rows, int cols) {
        double[] x = new SplittableRandom(rows * 31L + cols).doubles((long) rows * cols, -1, 1).toArray();
        return new View(backend.upload(dtype, dtype == DType.F64 ? x : toFloats(x)), Layout.contiguous(1, rows, cols));
    }

    private static float[] toFloats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    /** Milliseconds of each run of {@code product} for about {@code seconds}. */
    private static double[] time(Runnable product, double seconds) {
        double[] ms = new double[16];
        int runs = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long t0 = System.nanoTime();
            product.run();
            if (runs == ms.length) ms = Arrays.copyOf(ms, 2 * runs);
            ms[runs++] = (System.nanoTime() - t0) / 1e6;
        } while (System.nanoTime() < end);
        return Arrays.copyOf(ms, runs);
    }
}
