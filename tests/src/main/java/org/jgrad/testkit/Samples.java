package org.jgrad.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jgrad.DType;
import org.jgrad.Tensor;

/**
 * The registry's building blocks: shape generators sized for gradient checks and for layout checks, input makers
 * that draw everything of a case from one seed, and the small fixed tensors of error cases.
 */
final class Samples {
    /** Gradient checks: rank ≤ 3, dimensions 1..4, so a full second-order Jacobian stays cheap. */
    static final Gen<int[]> SMALL = Gens.shape(0, 3, 1, 4);

    private Samples() {
    }

    /** Gradient-check shapes of rank {@code minRank..3}, dimensions 1..4. */
    static Gen<int[]> small(int minRank) {
        return Gens.shape(minRank, 3, 1, 4);
    }

    /**
     * Layout-check shapes of rank {@code minRank..3}: a vector or a matrix row whose length is around the SIMD width
     * (1, 15, 16, 17, 513, small random), or a small shape whose dimensions may be 0 when {@code allowEmpty}.
     */
    static Gen<int[]> layout(int minRank, boolean allowEmpty) {
        List<Gen<int[]>> gens = new ArrayList<>();
        if (minRank <= 1) gens.add(Gens.simdLength().map(n -> new int[] {n}));
        if (minRank <= 2) gens.add(Gen.zip(Gen.ints(1, 3), Gens.simdLength(), (m, n) -> new int[] {m, n}));
        gens.add(Gens.shape(minRank, 3, allowEmpty ? 0 : 1, 4));
        return choose(gens);
    }

    /** One of {@code gens}, chosen uniformly, shrinking toward the first. */
    static <T> Gen<T> choose(List<Gen<T>> gens) {
        List<Gen<T>> copy = List.copyOf(gens);
        return Gen.ints(0, copy.size() - 1).flatMap(copy::get);
    }

    /**
     * Inputs made by {@code make} from a generated shape (or any int vector) and a random source seeded per case:
     * shrinks with the shape, drawing the same values for the smaller one.
     */
    static Gen<Tensor[]> build(Gen<int[]> shapes, BiFunction<int[], SplittableRandom, Tensor[]> make) {
        return Gen.zip(shapes, Gen.longs(), (s, seed) -> make.apply(s, new SplittableRandom(seed)));
    }

    /** F64 values of {@code domain}. */
    static Tensor f64(int[] shape, Domain domain, SplittableRandom r) {
        return Gens.tensor(shape, domain, DType.F64, r.nextLong());
    }

    /**
     * F64 values in [-2, 2], all distinct and at least {@code 3/numel} apart: no ties for max, min, argmax or
     * pooling, and a variance bounded away from 0 for the normalizations.
     */
    static Tensor distinct(int[] shape, SplittableRandom r) {
        int n = numel(shape);
        double step = 4.0 / Math.max(n, 1);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = -2 + i * step + r.nextDouble() * step / 4;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape);
    }

    /** I32 values uniform in {@code [lo, hi]}. */
    static Tensor ints(int[] shape, int lo, int hi, SplittableRandom r) {
        int[] v = new int[numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt(lo, hi + 1);
        return Tensor.of(v, shape);
    }

    /** F64 small integers in {@code [-2, 2]}: operands of comparisons, where ties must occur. */
    static Tensor integral(int[] shape, SplittableRandom r) {
        return ints(shape, -2, 2, r).to(DType.F64);
    }

    /** A BOOL mask of fair coin flips. */
    static Tensor mask(int[] shape, SplittableRandom r) {
        return Gens.tensor(shape, Domain.real(), DType.BOOL, r.nextLong());
    }

    /** The trailing parameter tensor: I32 {@code [v0, v1, …]}. */
    static Tensor params(int... v) {
        return Tensor.of(v.clone(), v.length);
    }

    /** The values of the trailing parameter tensor of {@code in}. */
    static int[] params(Tensor[] in) {
        return in[in.length - 1].toIntArray();
    }

    /** {@code tensors} followed by the parameter tensor {@code p}. */
    static Tensor[] with(Tensor p, Tensor... tensors) {
        Tensor[] out = Arrays.copyOf(tensors, tensors.length + 1);
        out[tensors.length] = p;
        return out;
    }

    /** A random subset of the axes of a tensor of {@code rank}, each written non-negative or negative at random. */
    static int[] axes(int rank, SplittableRandom r) {
        int mask = r.nextInt(1 << rank), negative = r.nextInt(1 << rank);
        int[] out = new int[Integer.bitCount(mask)];
        for (int d = 0, k = 0; d < rank; d++)
            if ((mask >> d & 1) != 0) out[k++] = (negative >> d & 1) != 0 ? d - rank : d;
        return out;
    }

    /** An axis of a tensor of {@code rank}, non-negative or negative at random. */
    static int axis(int rank, SplittableRandom r) {
        int d = r.nextInt(rank);
        return r.nextBoolean() ? d - rank : d;
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** {@code [head..., tail...]} */
    static int[] concat(int[] head, int... tail) {
        int[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    // ---------------------------------------------------------------- error cases

    /** A fixed F64 tensor {@code 0.5, 1.5, …} of {@code shape}, for error cases. */
    static Tensor f64(int... shape) {
        double[] v = new double[numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = i + 0.5;
        return Tensor.of(v, shape);
    }

    /** A fixed I32 tensor of {@code shape} holding {@code values} (repeated to fill it). */
    static Tensor i32(int[] values, int... shape) {
        int[] v = new int[numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = values[i % values.length];
        return Tensor.of(v, shape);
    }

    /** Starts an error case: {@code when("why", in -> op(in), inputs).rejects("op:", "[2, 3]")}. */
    static Pending when(String description, Function<Tensor[], ?> call, Tensor... inputs) {
        return new Pending(description, call, inputs);
    }

    /** An error case that still needs its expected exception. */
    record Pending(String description, Function<Tensor[], ?> call, Tensor[] inputs) {
        /** The call must throw IllegalArgumentException with every fragment in its message. */
        ErrorCase rejects(String... fragments) {
            return fails(IllegalArgumentException.class, fragments);
        }

        ErrorCase fails(Class<? extends Throwable> type, String... fragments) {
            return ErrorCase.of(description, type, List.of(fragments), call, inputs);
        }
    }
}
