package org.jgrad.testkit;

import static org.jgrad.testkit.Samples.build;
import static org.jgrad.testkit.Samples.f64;
import static org.jgrad.testkit.Samples.params;
import static org.jgrad.testkit.Samples.when;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.jgrad.Tensor;

/**
 * The registry's views: reshape, permute, transpose, expand, narrow, squeeze, unsqueeze, flatten, contiguous and
 * asStrided, each with its arguments drawn per case into the parameter tensor. Views copy nothing forward, and their
 * backward rules (pad, sumTo, scatterAdd, permute) are what the gradient checks exercise.
 */
final class ViewOps {
    private static final String ONE_OPERAND = "one operand: nothing to broadcast (expand is checked as its own op)";

    private ViewOps() {
    }

    static List<OpSpec> all() {
        return List.of(reshape(), permute(), transpose(), expand(), narrow(), squeeze(), unsqueeze(), flatten(),
                contiguous(), asStrided());
    }

    /** A view op: x plus parameters made by {@code params} from x's shape. */
    private static OpSpec.Builder view(String name, int minRank, BiFunction<int[], SplittableRandom, int[]> params,
            BiFunction<Tensor, int[], Tensor> f) {
        BiFunction<int[], SplittableRandom, Tensor[]> make = (s, r) -> new Tensor[] {f64(s, Domain.real(), r),
                params(params.apply(s, r))};
        return OpSpec.builder(name).fn(in -> f.apply(in[0], params(in)))
                .inputs(build(Samples.small(minRank), make))
                .layoutInputs(build(Samples.layout(minRank, true), make))
                .notApplicable(Check.BROADCAST, ONE_OPERAND);
    }

    /** A shape of rank 0..3 with {@code n} elements, one dimension written -1 now and then. */
    private static int[] factorization(int n, SplittableRandom r) {
        int rank = n == 1 ? r.nextInt(4) : r.nextInt(1, 4);
        int[] out = new int[rank];
        int left = n;
        for (int d = 0; d < rank - 1; d++) {
            out[d] = left == 0 ? r.nextInt(3) : divisor(left, r);
            if (left != 0) left /= out[d];
        }
        if (rank > 0) out[rank - 1] = left;
        boolean inferable = Arrays.stream(out).allMatch(k -> k > 0);
        if (rank > 0 && inferable && r.nextBoolean()) out[r.nextInt(rank)] = -1;
        return out;
    }

    /** A divisor of {@code n > 0}, uniformly among its divisors. */
    private static int divisor(int n, SplittableRandom r) {
        int[] divisors = IntStream.rangeClosed(1, n).filter(k -> n % k == 0).toArray();
        return divisors[r.nextInt(divisors.length)];
    }

    private static OpSpec reshape() {
        return view("reshape", 0, (s, r) -> factorization(Samples.numel(s), r), Tensor::reshape)
                .error(when("another number of elements", in -> in[0].reshape(4), f64(2, 3))
                        .rejects("reshape:", "cannot reshape tensor [2, 3] F64 (6 elements) to [4] (4 elements)"))
                .error(when("two -1 dimensions", in -> in[0].reshape(-1, -1), f64(2, 3))
                        .rejects("reshape:", "only one dimension can be -1, got [-1, -1]"))
                .build();
    }

    /** A random permutation of {@code 0..rank-1}, each written non-negative or negative at random. */
    private static int[] permutation(int rank, SplittableRandom r) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) p[i] = i;
        for (int i = rank - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        for (int i = 0; i < rank; i++) if (r.nextBoolean()) p[i] -= rank;
        return p;
    }

    private static OpSpec permute() {
        return view("permute", 0, (s, r) -> permutation(s.length, r), Tensor::permute)
                .error(when("too few dimensions", in -> in[0].permute(0), f64(2, 3))
                        .rejects("permute:", "[0] names 1 dimensions of tensor [2, 3] F64, expected 2"))
                .error(when("a repeated dimension", in -> in[0].permute(1, -1), f64(2, 3))
                        .rejects("permute:", "[1, -1] repeats dimension 1"))
                .build();
    }

    private static OpSpec transpose() {
        return view("transpose", 1, (s, r) -> new int[] {Samples.axis(s.length, r), Samples.axis(s.length, r)},
                (x, p) -> x.transpose(p[0], p[1]))
                .error(when("an axis beyond the rank", in -> in[0].transpose(0, 2), f64(2, 3))
                        .rejects("transpose:", "axis 2 is out of range for a tensor of rank 2"))
                .build();
    }

    /** x with some dimensions set to 1; the target grows those to 1..3, keeps or writes -1 for the rest, adds 0..1 leading. */
    private static Tensor[] expandInputs(int[] s0, SplittableRandom r) {
        int[] s = s0.clone();
        for (int d = 0; d < s.length; d++) if (r.nextBoolean()) s[d] = 1;
        int lead = r.nextInt(2);
        int[] target = new int[lead + s.length];
        for (int d = 0; d < lead; d++) target[d] = r.nextInt(1, 4);
        for (int d = 0; d < s.length; d++)
            target[lead + d] = s[d] == 1 ? r.nextInt(1, 4) : r.nextBoolean() ? -1 : s[d];
        return new Tensor[] {f64(s, Domain.real(), r), params(target)};
    }

    private static OpSpec expand() {
        return OpSpec.builder("expand").fn(in -> in[0].expand(params(in)))
                .inputs(build(Samples.SMALL, ViewOps::expandInputs))
                .layoutInputs(build(Samples.layout(0, true), ViewOps::expandInputs))
                .notApplicable(Check.BROADCAST, "expand takes a target shape, not a second operand: it is what the"
                        + " broadcast check compares against")
                .error(when("a dimension that is not 1", in -> in[0].expand(4, 3), f64(2, 3))
                        .rejects("expand:", "cannot expand tensor [2, 3] F64 to [4, 3]", "dimension 0 has size 2, expected 1 or 4"))
                .error(when("fewer dimensions", in -> in[0].expand(3), f64(2, 3))
                        .rejects("expand:", "cannot expand tensor [2, 3] F64 to fewer dimensions [3]"))
                .build();
    }

    private static OpSpec narrow() {
        return view("narrow", 1, (s, r) -> {
            int d = r.nextInt(s.length), start = r.nextInt(s[d] + 1);
            return new int[] {r.nextBoolean() ? d - s.length : d, start, r.nextInt(s[d] - start + 1)};
        }, (x, p) -> x.narrow(p[0], p[1], p[2]))
                .error(when("a range past the end", in -> in[0].narrow(1, 2, 2), f64(2, 3))
                        .rejects("narrow:", "elements 2 to 3 do not fit dimension 1 (size 3) of tensor [2, 3] F64"))
                .error(when("an axis beyond the rank", in -> in[0].narrow(2, 0, 1), f64(2, 3))
                        .rejects("narrow:", "axis 2 is out of range for a tensor of rank 2"))
                .build();
    }

    /** x with one dimension of size 1 (at least); parameters {@code [dim]} naming a size-1 dimension. */
    private static Tensor[] squeezeInputs(int[] s0, SplittableRandom r) {
        int[] s = s0.clone();
        int d = r.nextInt(s.length);
        s[d] = 1;
        return new Tensor[] {f64(s, Domain.real(), r), params(r.nextBoolean() ? d - s.length : d)};
    }

    private static OpSpec squeeze() {
        return OpSpec.builder("squeeze").fn(in -> in[0].squeeze(params(in)[0]))
                .inputs(build(Samples.small(1), ViewOps::squeezeInputs))
                .layoutInputs(build(Samples.layout(1, true), ViewOps::squeezeInputs))
                .notApplicable(Check.BROADCAST, ONE_OPERAND)
                .error(when("a dimension whose size is not 1", in -> in[0].squeeze(0), f64(2, 3))
                        .rejects("squeeze:", "dimension 0 of tensor [2, 3] F64 has size 2, expected 1"))
                .error(when("an axis beyond the rank", in -> in[0].squeeze(2), f64(2, 3))
                        .rejects("squeeze:", "axis 2 is out of range for a tensor of rank 2"))
                .build();
    }

    private static OpSpec unsqueeze() {
        return view("unsqueeze", 0, (s, r) -> new int[] {Samples.axis(s.length + 1, r)}, (x, p) -> x.unsqueeze(p[0]))
                .error(when("an axis beyond rank + 1", in -> in[0].unsqueeze(3), f64(2, 3))
                        .rejects("unsqueeze:", "axis 3 is out of range for a tensor of rank 3"))
                .build();
    }

    /** Parameters {@code []} for flatten() or {@code [start, end]} with start <= end. */
    private static int[] flattenParams(int[] s, SplittableRandom r) {
        if (s.length == 0 || r.nextInt(3) == 0) return new int[0];
        int a = r.nextInt(s.length), b = r.nextInt(s.length);
        int start = Math.min(a, b), end = Math.max(a, b);
        return new int[] {r.nextBoolean() ? start - s.length : start, r.nextBoolean() ? end - s.length : end};
    }

    private static OpSpec flatten() {
        return view("flatten", 0, ViewOps::flattenParams, (x, p) -> p.length == 0 ? x.flatten() : x.flatten(p[0], p[1]))
                .error(when("start after end", in -> in[0].flatten(1, 0), f64(2, 3))
                        .rejects("flatten:", "start dimension 1 comes after end dimension 0"))
                .error(when("an axis beyond the rank", in -> in[0].flatten(0, 2), f64(2, 3))
                        .rejects("flatten:", "axis 2 is out of range for a tensor of rank 2"))
                .build();
    }

    /** contiguous() of the reversed-axes view, so that it copies (on a contiguous tensor it is the identity). */
    private static OpSpec contiguous() {
        return OpSpec.builder("contiguous")
                .fn(in -> {
                    int[] reverse = new int[in[0].rank()];
                    for (int i = 0; i < reverse.length; i++) reverse[i] = reverse.length - 1 - i;
                    return in[0].permute(reverse).contiguous();
                })
                .inputs(build(Samples.SMALL, (s, r) -> new Tensor[] {f64(s, Domain.real(), r)}))
                .layoutInputs(build(Samples.layout(0, true), (s, r) -> new Tensor[] {f64(s, Domain.real(), r)}))
                .notApplicable(Check.BROADCAST, ONE_OPERAND)
                .notApplicable(Check.ERRORS, "contiguous accepts every tensor: it has no way to fail")
                .build();
    }

    /** Windows of rank 1..2 over x's elements, overlapping at times (stride 0 or smaller than the window). */
    private static int[] stridedParams(int[] s, SplittableRandom r) {
        int n = Samples.numel(s);
        for (int attempt = 0; attempt < 20; attempt++) {
            int rank = r.nextInt(1, 3);
            int[] shape = new int[rank], strides = new int[rank];
            long span = 1;
            for (int d = 0; d < rank; d++) {
                shape[d] = r.nextInt(n == 0 ? 0 : 1, 4);
                strides[d] = r.nextInt(3);
                span += (long) Math.max(shape[d] - 1, 0) * strides[d];
            }
            boolean empty = Arrays.stream(shape).anyMatch(k -> k == 0);
            if (!empty && span > n) continue;
            int offset = empty ? 0 : r.nextInt((int) (n - span) + 1);
            int[] p = new int[2 + 2 * rank];
            p[0] = rank;
            System.arraycopy(shape, 0, p, 1, rank);
            System.arraycopy(strides, 0, p, 1 + rank, rank);
            p[1 + 2 * rank] = offset;
            return p;
        }
        return new int[] {1, Math.min(n, 1), 1, 0};
    }

    private static OpSpec asStrided() {
        return view("asStrided", 0, ViewOps::stridedParams, (x, p) -> {
            int rank = p[0];
            return x.asStrided(Arrays.copyOfRange(p, 1, 1 + rank), Arrays.copyOfRange(p, 1 + rank, 1 + 2 * rank), p[1 + 2 * rank]);
        })
                .error(when("a window past the last element", in -> in[0].asStrided(new int[] {2, 3}, new int[] {4, 1}, 0), f64(2, 3))
                        .rejects("asStrided:", "reach element 6 of tensor [2, 3] F64, which has 6"))
                .error(when("a negative stride", in -> in[0].asStrided(new int[] {2}, new int[] {-1}, 0), f64(2, 3))
                        .rejects("asStrided:", "negative stride in [-1]"))
                .error(when("shape and strides of different rank", in -> in[0].asStrided(new int[] {2}, new int[] {1, 1}, 0), f64(2, 3))
                        .rejects("asStrided:", "shape [2] and strides [1, 1] differ in rank"))
                .build();
    }
}
