package org.jgrad.backend.opencl;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.spi.Layout;
import org.jgrad.spi.View;

/**
 * Square GEMM timings of one variant on the OpenCL device, for tuning the kernels (not a test; the project's
 * benchmarks go through JMH and {@code jgrad bench}). Args: {@code cpu|gpu f32|f64 seconds size...}; prints the
 * median and best GFLOP/s of repeated products after a warm-up of the same length.
 */
final class GemmBench {
    private GemmBench() {
    }

    public static void main(String[] args) {
        Gemm.Variant variant = Gemm.chosen(args[0], 0);
        DType dtype = DType.valueOf(args[1].toUpperCase());
        double seconds = Double.parseDouble(args[2]);
        OpenClBackend backend = (OpenClBackend) Device.opencl().backend();
        try (Gemm gemm = new Gemm(backend, variant)) {
            for (int i = 3; i < args.length; i++) {
                int n = Integer.parseInt(args[i]);
                Layout l = Layout.contiguous(1, n, n);
                SplittableRandom random = new SplittableRandom(n);
                double[] x = random.doubles(n * n, -1, 1).toArray();
                Object data = dtype == DType.F64 ? x : toFloats(x);
                View a = new View(backend.upload(dtype, data), l), b = new View(backend.upload(dtype, data), l),
                        out = new View(backend.upload(dtype, data), l);
                Runnable product = () -> {
                    gemm.matmul(a, b, out);
                    backend.cl().finish();
                };
                time(product, seconds);
                double[] ms = time(product, seconds);
                Arrays.sort(ms);
                double flop = 2.0 * n * n * n;
                System.out.printf("%s %s n=%d median %.1f GFLOP/s best %.1f (%d runs)%n", variant, dtype, n,
                        flop / ms[ms.length / 2] / 1e6, flop / ms[0] / 1e6, ms.length);
                for (View v : new View[] {a, b, out}) ((ClStorage) v.storage()).close();
            }
        }
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
