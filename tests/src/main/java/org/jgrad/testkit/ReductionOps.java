package org.jgrad.testkit;

import static org.jgrad.testkit.Samples.build;
import static org.jgrad.testkit.Samples.f64;
import static org.jgrad.testkit.Samples.params;
import static org.jgrad.testkit.Samples.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.jgrad.Tensor;

/**
 * The registry's reductions, over random subsets of axes (none = all, axes written non-negative or negative) with
 * keepDim both ways, and matmul, the contraction. Parameters: {@code [keepDim, axes…]}, for var and std
 * {@code [keepDim, correction, axes…]}, for argmax and argmin {@code [keepDim]} (flat) or {@code [keepDim, axis]}.
 */
final class ReductionOps {
    private static final String ONE_OPERAND = "one operand: nothing to broadcast";

    /** A reduction called the way the user calls it. */
    private interface Reducer {
        Tensor apply(Tensor x, int[] axes, boolean keepDim);
    }

    private ReductionOps() {
    }

    static List<OpSpec> all() {
        List<OpSpec> ops = new ArrayList<>();
        ops.add(reduction("sum", Tensor::sum, false, true).build());
        ops.add(reduction("mean", Tensor::mean, false, true).build());
        // distinct values: a tie would split the gradient, and central differences cannot see a split
        ops.add(reduction("max", Tensor::max, true, false).error(emptyBlock("max", x -> x.max(0))).build());
        ops.add(reduction("min", Tensor::min, true, false).error(emptyBlock("min", x -> x.min(0))).build());
        ops.add(reduction("logsumexp", Tensor::logsumexp, false, true).build());
        ops.add(variance("var", (x, c, axes, keep) -> x.var(axes, c, keep)));
        ops.add(variance("std", (x, c, axes, keep) -> x.std(axes, c, keep)));
        ops.add(arg("argmax", true));
        ops.add(arg("argmin", false));
        ops.add(matmul());
        return ops;
    }

    private static Tensor[] reduceInputs(int[] s, SplittableRandom r, boolean distinct) {
        Tensor x = distinct ? Samples.distinct(s, r) : f64(s, Domain.real(), r);
        return new Tensor[] {x, params(Samples.concat(new int[] {r.nextInt(2)}, Samples.axes(s.length, r)))};
    }

    private static OpSpec.Builder reduction(String name, Reducer f, boolean distinct, boolean emptyOk) {
        return OpSpec.builder(name)
                .fn(in -> {
                    int[] p = params(in);
                    return f.apply(in[0], Arrays.copyOfRange(p, 1, p.length), p[0] == 1);
                })
                .inputs(build(Samples.SMALL, (s, r) -> reduceInputs(s, r, distinct)))
                .layoutInputs(build(Samples.layout(0, emptyOk), (s, r) -> reduceInputs(s, r, distinct)))
                .notApplicable(Check.BROADCAST, ONE_OPERAND)
                .errors(axisErrors(name, x -> f.apply(x, new int[] {2}, false), x -> f.apply(x, new int[] {0, -2}, false)));
    }

    private static List<ErrorCase> axisErrors(String name, UnaryOperator<Tensor> outOfRange,
            UnaryOperator<Tensor> twice) {
        return List.of(
                when("an axis beyond the rank", in -> outOfRange.apply(in[0]), f64(2, 3))
                        .rejects(name + ":", "axis 2 is out of range for a tensor of rank 2"),
                when("one axis given twice (0 and -2)", in -> twice.apply(in[0]), f64(2, 3))
                        .rejects(name + ":", "axis -2 is given twice in [0, -2]"));
    }

    private static ErrorCase emptyBlock(String name, UnaryOperator<Tensor> f) {
        return when("a reduction over an empty dimension", in -> f.apply(in[0]), f64(0, 3))
                .rejects(name + ":", "cannot reduce over dimension 0 of tensor [0, 3] F64", "no elements");
    }

    /** var and std with the correction as a parameter. */
    private interface Variance {
        Tensor apply(Tensor x, int correction, int[] axes, boolean keepDim);
    }

    /** Every dimension at least 2 and distinct values: each block has a positive variance and n − correction > 0. */
    private static OpSpec variance(String name, Variance f) {
        Gen<int[]> shapes = Gens.shape(1, 3, 2, 4);
        BiFunction<int[], SplittableRandom, Tensor[]> make = (s, r) -> new Tensor[] {
                Samples.distinct(s, r), params(Samples.concat(new int[] {r.nextInt(2), r.nextInt(2)}, Samples.axes(s.length, r)))};
        List<ErrorCase> errors = new ArrayList<>(axisErrors(name, x -> f.apply(x, 1, new int[] {2}, false),
                x -> f.apply(x, 1, new int[] {0, -2}, false)));
        errors.add(when("a negative correction", in -> f.apply(in[0], -1, new int[] {0}, false), f64(2, 3))
                .rejects(name + ":", "negative correction -1"));
        return OpSpec.builder(name)
                .fn(in -> {
                    int[] p = params(in);
                    return f.apply(in[0], p[1], Arrays.copyOfRange(p, 2, p.length), p[0] == 1);
                })
                .inputs(build(shapes, make)).layoutInputs(build(Samples.layout(0, true), make))
                .notApplicable(Check.BROADCAST, ONE_OPERAND).errors(errors).build();
    }

    private static Tensor[] argInputs(int[] s, SplittableRandom r) {
        int keep = r.nextInt(2);
        Tensor p = s.length == 0 || r.nextInt(3) == 0 ? params(keep) : params(keep, Samples.axis(s.length, r));
        return new Tensor[] {Samples.distinct(s, r), p};
    }

    /** argmax/argmin over one axis, or over all elements (flat index). */
    private static OpSpec arg(String name, boolean max) {
        String why = name + " returns I32 indices, which have no gradient";
        return OpSpec.builder(name)
                .fn(in -> {
                    int[] p = params(in);
                    Tensor x = in[0];
                    if (p.length == 1) return max ? x.argmax() : x.argmin();
                    return max ? x.argmax(p[1], p[0] == 1) : x.argmin(p[1], p[0] == 1);
                })
                .inputs(build(Samples.SMALL, ReductionOps::argInputs))
                .layoutInputs(build(Samples.layout(0, false), ReductionOps::argInputs))
                .notApplicable(Check.BROADCAST, ONE_OPERAND)
                .notApplicable(Check.GRAD, why).notApplicable(Check.GRAD_GRAD, why)
                .error(when("an axis beyond the rank", in -> max ? in[0].argmax(2, false) : in[0].argmin(2, false), f64(2, 3))
                        .rejects(name + ":", "axis 2 is out of range for a tensor of rank 2"))
                .error(when("an empty dimension", in -> max ? in[0].argmax(0, false) : in[0].argmin(0, false), f64(0, 2))
                        .rejects(name + ":", "cannot reduce over dimension 0 of tensor [0, 2] F64"))
                .build();
    }

    // ---------------------------------------------------------------- matmul

    /**
     * matmul in its five forms, chosen by the first config value: dot {@code [k]·[k]}, {@code [m,k]·[k]},
     * {@code [k]·[k,n]}, {@code [m,k]·[k,n]}, and batched with broadcast batch dimensions.
     */
    private static Tensor[] matmulInputs(int form, int m, int k, int n, SplittableRandom r) {
        int[] batchA = {}, batchB = {};
        if (form == 4) {
            int[][] pair = batchPair(r);
            batchA = pair[0];
            batchB = pair[1];
        }
        int[] a = switch (form) {
            case 0, 2 -> new int[] {k};
            default -> Samples.concat(batchA, m, k);
        };
        int[] b = switch (form) {
            case 0, 1 -> new int[] {k};
            default -> Samples.concat(batchB, k, n);
        };
        return new Tensor[] {f64(a, Domain.real(), r), f64(b, Domain.real(), r)};
    }

    /** Two batch shapes cut from one of rank 1..2 (dimensions 1..3) by dropping leading dimensions and setting 1s. */
    private static int[][] batchPair(SplittableRandom r) {
        int[] full = new int[r.nextInt(1, 3)];
        for (int d = 0; d < full.length; d++) full[d] = r.nextInt(1, 4);
        int[][] out = new int[2][];
        for (int side = 0; side < 2; side++) {
            int[] s = Arrays.copyOfRange(full, r.nextInt(full.length + 1), full.length);
            for (int d = 0; d < s.length; d++) if (r.nextInt(3) == 0) s[d] = 1;
            out[side] = s;
        }
        return out;
    }

    private static OpSpec matmul() {
        Gen<int[]> config = Gen.zip(Gen.ints(0, 4), Gens.shape(3, 3, 1, 3), (form, mkn) -> Samples.concat(new int[] {form}, mkn));
        Gen<Integer> inner = Samples.choose(List.of(Gens.simdLength(), Gen.constant(0)));
        Gen<int[]> layout = Gen.zip(Gen.zip(Gen.ints(0, 4), inner, (f, k) -> new int[] {f, k}),
                Gens.shape(2, 2, 0, 3), (fk, mn) -> new int[] {fk[0], mn[0], fk[1], mn[1]});
        // broadcast batches only, with m, k, n >= 2: then every size-1 dimension facing a larger one is a batch dimension
        Gen<Tensor[]> broadcast = Gen.zip(Gens.broadcastPair(2, 3), Gen.zip(Gens.shape(3, 3, 2, 3), Gen.longs(),
                (mkn, seed) -> new Object[] {mkn, seed}), (pair, rest) -> {
                    int[] mkn = (int[]) rest[0];
                    SplittableRandom r = new SplittableRandom((Long) rest[1]);
                    return new Tensor[] {f64(Samples.concat(pair[0], mkn[0], mkn[1]), Domain.real(), r),
                            f64(Samples.concat(pair[1], mkn[1], mkn[2]), Domain.real(), r)};
                });
        return OpSpec.builder("matmul").fn(in -> in[0].matmul(in[1]))
                .inputs(build(config, (c, r) -> matmulInputs(c[0], c[1], c[2], c[3], r)))
                .layoutInputs(build(layout, (c, r) -> matmulInputs(c[0], c[1], c[2], c[3], r)))
                .broadcastInputs(broadcast)
                .error(when("inner dimensions that differ", in -> in[0].matmul(in[1]), f64(2, 3), f64(4, 2))
                        .rejects("matmul:", "cannot multiply [2, 3] by [4, 2]", "inner dimensions 3 and 4 differ"))
                .error(when("batch dimensions that do not broadcast", in -> in[0].matmul(in[1]), f64(2, 2, 3), f64(3, 3, 2))
                        .rejects("matmul:", "[2]", "[3]", "cannot broadcast"))
                .error(when("I32 operands", in -> in[0].matmul(in[1]), Samples.i32(new int[] {1}, 2, 2),
                        Samples.i32(new int[] {1}, 2, 2)).rejects("matmul:", "needs F32 or F64", "tensor [2, 2] I32"))
                .error(when("a 0-d operand", in -> in[0].matmul(in[1]), f64(), f64(3))
                        .rejects("matmul:", "rank 1 or more", "tensor [] F64", "tensor [3] F64"))
                .build();
    }
}
