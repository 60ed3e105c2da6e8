package org.jgrad.backend.cpu;

import org.jgrad.DType;
import org.jgrad.spi.Distribution;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.Philox;
import org.jgrad.spi.View;

/**
 * Counter-based random fills: element k (row-major) is {@link Philox}'s number for counter {@code offset + k}, so the
 * numbers are bit-identical to the reference backend's on every layout and for any split over threads (KernelsTest
 * checks the bits). Uniform draws run the Philox-4x32-10 rounds inline here, without the int[] that
 * {@code Philox.block} returns per number; normal draws call {@link Philox#normal}, whose log and cos cost more
 * than the rounds. Scalar: the rounds are 32×32→64-bit multiplies, which the Vector API offers only as
 * two half-width multiplies, and a fill is rarely where training spends its time.
 */
final class Random {
    /** Philox costs ~10 multiplies per element, so fills split over threads far below the elementwise grain. */
    static final int GRAIN = 4096;
    private static final long M0 = 0xD2511F53L, M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;

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
                    for (int i = 0; i < n; i++) d[o + i * s] = bits53(words01(seed, c + i)) * 0x1.0p-53;
                } else {
                    float[] f = (float[]) a;
                    for (int i = 0; i < n; i++) f[o + i * s] = ((int) (words01(seed, c + i) >>> 32) >>> 8) * 0x1.0p-24f;
                }
            }
            case NORMAL -> {
                if (f64) for (int i = 0; i < n; i++) ((double[]) a)[o + i * s] = Philox.normal(seed, c + i);
                else for (int i = 0; i < n; i++) ((float[]) a)[o + i * s] = (float) Philox.normal(seed, c + i);
            }
        }
    }

    /** Words 0 (high half) and 1 (low half) of Philox-4x32-10 for block (lo32(c), hi32(c), 0, 0) under key (lo32(seed), hi32(seed)). */
    static long words01(long seed, long counter) {
        int c0 = (int) counter, c1 = (int) (counter >>> 32), c2 = 0, c3 = 0, k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            long p0 = M0 * (c0 & 0xFFFFFFFFL), p1 = M1 * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0, n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
            k0 += W0;
            k1 += W1;
        }
        return ((long) c0 << 32) | (c1 & 0xFFFFFFFFL);
    }

    /** Philox's 53 bits: the top 32 of word 0, then the top 21 of word 1. */
    private static long bits53(long w01) {
        return ((w01 >>> 32) << 21) | ((w01 & 0xFFFFFFFFL) >>> 11);
    }
}
