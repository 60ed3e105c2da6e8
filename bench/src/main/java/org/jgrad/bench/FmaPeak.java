package org.jgrad.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import java.util.function.IntUnaryOperator;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FP32 FMA peak this JVM reaches, measured rather than assumed: twelve independent FMA chains per thread
 * (enough to cover the FMA latency × the FMA pipes of current x86 cores), no memory traffic. The roofline's
 * ceiling for the GEMM: a micro-kernel at 100 % of this is as fast as the core can go at that vector width.
 */
final class FmaPeak {
    private static final int ITERATIONS = 4_000_000;
    private static final int CHAINS = 12;
    private static final VectorSpecies<Float> S128 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> S512 = FloatVector.SPECIES_512;

    private FmaPeak() {
    }

    /** The workload {@code fma-peak-<bits>bit}: {@code threads} threads each running the chains at {@code bits} width. */
    static Workload create(int bits, int threads) {
        IntUnaryOperator kernel = switch (bits) {
            case 128 -> n -> Float.floatToRawIntBits(chains128(n));
            case 256 -> n -> Float.floatToRawIntBits(chains256(n));
            case 512 -> n -> Float.floatToRawIntBits(chains512(n));
            default -> throw new IllegalArgumentException("fma peak: vector width must be 128, 256 or 512 bits, got " + bits);
        };
        int lanes = bits / Float.SIZE;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fma-peak");
            t.setDaemon(true);
            return t;
        });
        double flops = 2.0 * ITERATIONS * CHAINS * lanes * threads;
        return new Workloads.Timed("fma-peak-" + bits + "bit", flops, () -> {
            List<Future<Integer>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) parts.add(pool.submit(() -> kernel.applyAsInt(ITERATIONS)));
            int sum = 0;
            try {
                for (Future<Integer> f : parts) sum ^= f.get();
            } catch (Exception e) {
                throw new IllegalStateException("fma peak: " + e, e);
            }
            return sum;
        });
    }

    // One method per width: HotSpot intrinsifies vector ops only when the species is a compile-time constant.

    /** Twelve independent chains a = a·x + y at 128 bits; x slightly below 1 keeps the values finite and normal. */
    static float chains128(int n) {
        FloatVector x = FloatVector.broadcast(S128, 0.9999999f), y = FloatVector.broadcast(S128, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S128, 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < n; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** Twelve independent chains a = a·x + y at 256 bits; x slightly below 1 keeps the values finite and normal. */
    static float chains256(int n) {
        FloatVector x = FloatVector.broadcast(S256, 0.9999999f), y = FloatVector.broadcast(S256, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S256, 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < n; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** Twelve independent chains a = a·x + y at 512 bits; x slightly below 1 keeps the values finite and normal. */
    static float chains512(int n) {
        FloatVector x = FloatVector.broadcast(S512, 0.9999999f), y = FloatVector.broadcast(S512, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S512, 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < n; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
