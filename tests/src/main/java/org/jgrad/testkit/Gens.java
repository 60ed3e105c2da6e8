package org.jgrad.testkit;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jgrad.DType;
import org.jgrad.Tensor;

/**
 * Generators for what tensor code breaks on: shapes with size-1 and empty dimensions, lengths around the SIMD
 * width, broadcast-compatible shape pairs, and tensors with values inside an op's {@link Domain}. Every generator
 * shrinks toward the smallest shape that still fails.
 */
public final class Gens {
    /**
     * Lengths a vectorized kernel treats specially: 1 (no full vector), 15/16/17 (one 512-bit float vector, minus
     * and plus one: the scalar tail), 513 (many full vectors and a one-element tail).
     */
    private static final int[] SIMD_EDGES = {1, 15, 16, 17, 513};
    /** The largest of the "small random lengths" simdLength adds: four 16-lane float vectors. */
    private static final int SMALL_LENGTH = 64;
    /**
     * One dimension in four takes an edge size (the minimum, 1 or the maximum): uniform draws alone rarely hit the
     * sizes that break kernels.
     */
    private static final int EDGE_ODDS = 4;

    private Gens() {
    }

    /**
     * Shapes of rank {@code minRank..maxRank} with dimensions in {@code minDim..maxDim}. Shrinks by dropping
     * dimensions (toward rank {@code minRank}), then each dimension toward {@code max(minDim, 1)} and only then to
     * {@code minDim}, so an empty dimension appears in a minimal shape only when the failure needs it.
     */
    public static Gen<int[]> shape(int minRank, int maxRank, int minDim, int maxDim) {
        if (minRank < 0 || minRank > maxRank || minDim < 0 || minDim > maxDim)
            throw new IllegalArgumentException("Gens.shape: needs 0 <= minRank <= maxRank and 0 <= minDim <= maxDim, got"
                    + " ranks " + minRank + ".." + maxRank + ", dims " + minDim + ".." + maxDim);
        return random -> {
            int rank = random.nextInt(minRank, maxRank + 1);
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) shape[d] = dim(random, minDim, maxDim);
            return shapeTree(shape, minRank, minDim);
        };
    }

    private static int dim(SplittableRandom random, int minDim, int maxDim) {
        if (random.nextInt(EDGE_ODDS) == 0) {
            int[] edges = {minDim, Math.min(Math.max(minDim, 1), maxDim), maxDim};
            return edges[random.nextInt(edges.length)];
        }
        return random.nextInt(minDim, maxDim + 1);
    }

    /** The shrink tree of a shape: removals of dimensions (largest chunks first), then each dimension made smaller. */
    static Shrinkable<int[]> shapeTree(int[] shape, int minRank, int minDim) {
        return new Shrinkable<>(shape, () -> Stream.concat(removals(shape, minRank), smallerDims(shape, minDim))
                .map(s -> shapeTree(s, minRank, minDim)));
    }

    /** Shapes with a run of {@code k} dimensions removed, for k = excess, excess/2, …, 1 and every start. */
    private static Stream<int[]> removals(int[] shape, int minRank) {
        int excess = shape.length - minRank;
        return IntStream.iterate(excess, k -> k > 0, k -> k / 2).boxed().flatMap(k -> IntStream
                .rangeClosed(0, shape.length - k).mapToObj(start -> {
                    int[] out = new int[shape.length - k];
                    System.arraycopy(shape, 0, out, 0, start);
                    System.arraycopy(shape, start + k, out, start, shape.length - start - k);
                    return out;
                }));
    }

    /**
     * Shapes with one dimension shrunk: first every dimension toward {@code max(minDim, 1)} by halving, then (only
     * for dimensions already there) to minDim, so an empty dimension is tried after every non-empty candidate.
     */
    private static Stream<int[]> smallerDims(int[] shape, int minDim) {
        int one = Math.max(minDim, 1);
        Stream<int[]> towardOne = IntStream.range(0, shape.length).filter(d -> shape[d] > one).boxed()
                .flatMap(d -> Combine.intTowards(one, shape[d]).shrinks().get().map(c -> with(shape, d, c.value())));
        Stream<int[]> toMin = IntStream.range(0, shape.length).filter(d -> shape[d] == one && minDim < one)
                .mapToObj(d -> with(shape, d, minDim));
        return Stream.concat(towardOne, toMin);
    }

    private static int[] with(int[] shape, int d, int size) {
        int[] out = shape.clone();
        out[d] = size;
        return out;
    }

    /**
     * Lengths that exercise a SIMD kernel's main loop and scalar tail: half the time one of 1, 15, 16, 17, 513,
     * otherwise uniform in {@code 1..64}. Shrinks toward 1.
     */
    public static Gen<Integer> simdLength() {
        return random -> {
            int n = random.nextBoolean() ? SIMD_EDGES[random.nextInt(SIMD_EDGES.length)]
                    : random.nextInt(1, SMALL_LENGTH + 1);
            return Combine.intTowards(1, n);
        };
    }

    /**
     * Two shapes that broadcast together (NumPy rules): both are cut from one shape of rank {@code 0..maxRank} with
     * dimensions {@code 1..maxDim} by dropping leading dimensions and setting some dimensions to 1, independently
     * on each side. Shrinks the common shape first, then each side's drops and size-1 choices.
     */
    public static Gen<int[][]> broadcastPair(int maxRank, int maxDim) {
        if (maxRank < 0 || maxRank > 30 || maxDim < 1)
            throw new IllegalArgumentException("Gens.broadcastPair: needs 0 <= maxRank <= 30 and maxDim >= 1, got "
                    + maxRank + ", " + maxDim);
        return shape(0, maxRank, 1, maxDim).flatMap(full -> Gen.zip(side(full), side(full), (a, b) -> new int[][] {a, b}));
    }

    /** One side of a broadcast pair: {@code full} without {@code drop} leading dimensions, masked dimensions set to 1. */
    private static Gen<int[]> side(int[] full) {
        int rank = full.length;
        return Gen.zip(Gen.ints(0, rank), Gen.ints(0, (1 << rank) - 1), (drop, ones) -> {
            int[] out = Arrays.copyOfRange(full, drop, rank);
            for (int d = 0; d < out.length; d++) if ((ones >> (d + drop) & 1) != 0) out[d] = 1;
            return out;
        });
    }

    /**
     * A tensor of {@code shape} and {@code dtype} whose values are drawn from {@code domain} by a generator seeded
     * with {@code seed}: the same arguments give the same tensor, and a smaller shape keeps a prefix of the values.
     * Integer dtypes take integers of the domain (the nearest to each draw that stays in it, clamped to I8's range
     * for I8); BOOL takes fair coin flips and ignores the domain. The tensor is a contiguous leaf on the default device.
     */
    public static Tensor tensor(int[] shape, Domain domain, DType dtype, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = Math.toIntExact(Arrays.stream(shape).asLongStream().reduce(1, Math::multiplyExact));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = value(random, domain, dtype);
        return Tensor.of(v, shape).to(dtype);
    }

    private static double value(SplittableRandom random, Domain domain, DType dtype) {
        return switch (dtype) {
            case F32, F64 -> domain.sample(random);
            case I32 -> integer(random, domain, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case I8 -> integer(random, domain, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case BOOL -> random.nextBoolean() ? 1 : 0;
        };
    }

    /**
     * An integer uniform over those of the domain within {@code [min, max]}; when it is too near a kink, the nearest
     * integer that is not.
     */
    private static double integer(SplittableRandom random, Domain domain, double min, double max) {
        double lo = Math.max(Math.ceil(domain.lo()), min), hi = Math.min(Math.floor(domain.hi()), max);
        if (lo > hi)
            throw new IllegalArgumentException("Gens.tensor: " + domain + " holds no integer in [" + min + ", " + max + "]");
        double x = lo + random.nextLong((long) (hi - lo) + 1);
        for (double step = 0; x - step >= lo || x + step <= hi; step++) {
            if (x + step <= hi && domain.contains(x + step)) return x + step;
            if (x - step >= lo && domain.contains(x - step)) return x - step;
        }
        throw new IllegalArgumentException("Gens.tensor: every integer of " + domain + " is too near a kink");
    }

    /**
     * Tensors of the generated shapes with values from {@code domain}: shrinks with the shape, keeping the values'
     * seed, so a smaller failing tensor holds a prefix of the same values.
     */
    public static Gen<Tensor> tensors(Gen<int[]> shape, Domain domain, DType dtype) {
        return Gen.zip(shape, Gen.longs(), (s, seed) -> tensor(s, domain, dtype, seed));
    }
}
