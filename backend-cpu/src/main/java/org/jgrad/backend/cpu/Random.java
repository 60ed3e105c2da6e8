package org.jgrad.backend.cpu;

import org.jgrad.DType;
import org.jgrad.spi.Distribution;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.Philox;
import org.jgrad.spi.View;

/**
 * Counter-based random fills: element k (row-major) is {@link Philox}'s number for counter {@code offset + k}, so the
 * numbers are bit-identical to the reference backend's on every layout and for any split over threads (KernelsTest
 * checks the bits): every draw is {@link Philox}'s own, and its uniform draws allocate nothing. Scalar: the rounds
 * are 32×32→64-bit multiplies, which the Vector API offers only as two half-width multiplies, and a fill is rarely
 * where training spends its time.
 */
final class Random {
    /** Philox costs ~10 multiplies per element, so fills split over threads far below the elementwise grain. */
    static final int GRAIN = 4096;

    private Random() {
    }

    static void fill(Distribution dist, long seed, long offset, View out) {
        Strided w = Strided.of(out.shape(), out.layout().strides());
        Object a = ((HeapStorage) out.storage()).array();
        boolean f64 = out.dtype() == DType.F64;
        Parallel.forRange(w.numel(), GRAIN, (from, to) -> {
            long[] c = {offset + from};
            w.forEach(from, to, new int[] {out.layout().offset()}, (p, n) -> {
                run(dist, f64, seed, c[0], a, p[0], w.stride(0), n);
                c[0] += n;
            });
        });
    }

    /** One run of n draws from counter c on: each case its own loop, no branch per element. */
    private static void run(Distribution dist, boolean f64, long seed, long c, Object a, int o, int s, int n) {
        switch (dist) {
            case UNIFORM -> {
                if (f64) {
                    double[] d = (double[]) a;
                    for (int i = 0; i < n; i++) d[o + i * s] = Philox.uniformF64(seed, c + i);
                } else {
                    float[] f = (float[]) a;
                    for (int i = 0; i < n; i++) f[o + i * s] = Philox.uniformF32(seed, c + i);
                }
            }
            case NORMAL -> {
                if (f64) for (int i = 0; i < n; i++) ((double[]) a)[o + i * s] = Philox.normal(seed, c + i);
                else for (int i = 0; i < n; i++) ((float[]) a)[o + i * s] = (float) Philox.normal(seed, c + i);
            }
        }
    }
}
