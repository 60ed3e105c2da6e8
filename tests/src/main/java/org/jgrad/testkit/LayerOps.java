package org.jgrad.testkit;

import static org.jgrad.testkit.Samples.build;
import static org.jgrad.testkit.Samples.f64;
import static org.jgrad.testkit.Samples.params;
import static org.jgrad.testkit.Samples.when;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.jgrad.Functional;
import org.jgrad.Tensor;

/**
 * The registry's layers in functional form: conv2d, maxPool2d, avgPool2d, batchNorm (training, and eval as its own
 * entry) and layerNorm. Gradient-check geometries are tiny (a second-order check costs a backward-of-backward per
 * input element); layout checks use inputs like {@code [2, 4, 5, 5]}.
 */
final class LayerOps {
    private static final String FIXED_ROLES = "its operands have fixed roles and shapes: nothing broadcasts";
    private static final double EPS = 1e-5, MOMENTUM = 0.1;

    private LayerOps() {
    }

    static List<OpSpec> all() {
        return List.of(conv2d(), pool("maxPool2d"), pool("avgPool2d"), batchNorm(), batchNormEval(), layerNorm());
    }

    // ---------------------------------------------------------------- conv2d

    /**
     * Config {@code [n, channels per group, outputs per group, groups, extra size, (n)]}; kernel, stride, padding, dilation
     * and the spatial size are drawn so the kernel fits. Parameters {@code [sh, sw, ph, pw, dh, dw, groups, hasBias]}.
     */
    private static Tensor[] convInputs(int[] c, SplittableRandom r) {
        int n = c[0], cg = c[1], og = c[2], groups = c[3], extra = c[4];
        if (c.length > 5) n = c[5];
        int[] k = {r.nextInt(1, 4), r.nextInt(1, 4)}, s = {r.nextInt(1, 3), r.nextInt(1, 3)}, p = new int[2],
                d = new int[2], size = new int[2];
        for (int i = 0; i < 2; i++) {
            d[i] = k[i] <= 2 ? r.nextInt(1, 3) : 1;          // a dilated window spans at most 4
            p[i] = r.nextInt(2);
            size[i] = Math.max(1, d[i] * (k[i] - 1) + 1 - 2 * p[i]) + r.nextInt(extra + 1);
        }
        Tensor x = f64(new int[] {n, groups * cg, size[0], size[1]}, Domain.real(), r);
        Tensor w = f64(new int[] {groups * og, cg, k[0], k[1]}, Domain.real(), r);
        int[] q = {s[0], s[1], p[0], p[1], d[0], d[1], groups, r.nextInt(2)};
        return q[7] == 1 ? new Tensor[] {x, w, f64(new int[] {groups * og}, Domain.real(), r), params(q)}
                : new Tensor[] {x, w, params(q)};
    }

    private static Tensor conv(Tensor[] in) {
        int[] q = params(in);
        return Functional.conv2d(in[0], in[1], q[7] == 1 ? in[2] : null, new int[] {q[0], q[1]}, new int[] {q[2], q[3]},
                new int[] {q[4], q[5]}, q[6]);
    }

    private static OpSpec conv2d() {
        Gen<int[]> tiny = Gen.zip(Gens.shape(4, 4, 1, 2), Gen.ints(0, 2), (a, e) -> Samples.concat(a, e));
        // the last value, when present, replaces the batch size: 0..2, so empty batches are covered
        Gen<int[]> layout = Gen.zip(Gens.shape(4, 4, 1, 2), Gen.zip(Gen.ints(0, 3), Gen.ints(0, 2), (e, n) -> new int[] {e, n}),
                (a, en) -> Samples.concat(a, en));
        return OpSpec.builder("conv2d").fn(LayerOps::conv)
                .inputs(build(tiny, LayerOps::convInputs)).layoutInputs(build(layout, LayerOps::convInputs))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .error(when("a weight for other input channels", in -> Functional.conv2d(in[0], in[1], null),
                        f64(1, 3, 4, 4), f64(2, 2, 3, 3)).rejects("conv2d:", "weight tensor [2, 2, 3, 3] F64 expects 2 input"
                        + " channels but input tensor [1, 3, 4, 4] F64 has 3"))
                .error(when("groups that do not divide the channels", in -> Functional.conv2d(in[0], in[1], null,
                        new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 2), f64(1, 4, 4, 4), f64(3, 2, 1, 1))
                        .rejects("conv2d:", "2 groups must divide the input's 4 channels and the weight's 3 output channels"))
                .error(when("a kernel larger than the padded input", in -> Functional.conv2d(in[0], in[1], null),
                        f64(1, 1, 2, 2), f64(1, 1, 3, 3)).rejects("conv2d:", "the 3×3 kernel (dilation [1, 1]) does not fit"
                        + " the 2×2 input padded by [0, 0]"))
                .error(when("a 3-d input", in -> Functional.conv2d(in[0], in[1], null), f64(1, 4, 4), f64(1, 1, 3, 3))
                        .rejects("conv2d:", "input must be [N, C, H, W], got tensor [1, 4, 4] F64"))
                .error(when("a bias of the wrong size", in -> Functional.conv2d(in[0], in[1], in[2]), f64(1, 1, 4, 4),
                        f64(2, 1, 3, 3), f64(3)).rejects("conv2d:", "bias tensor [3] F64 does not match 2 output channels"))
                .build();
    }

    // ---------------------------------------------------------------- pooling

    /**
     * Config {@code [n, c, maxExtra]}; kernel 1..3, stride 1..2 or the kernel, padding up to half the kernel.
     * Parameters {@code [kh, kw, sh, sw, ph, pw, countIncludePad]}. Values are distinct: a tie in a max window would
     * split the gradient.
     */
    private static Tensor[] poolInputs(int[] c, SplittableRandom r) {
        int[] k = {r.nextInt(1, 4), r.nextInt(1, 4)}, s = new int[2], p = new int[2], size = new int[2];
        boolean byKernel = r.nextBoolean();
        for (int i = 0; i < 2; i++) {
            s[i] = byKernel ? k[i] : r.nextInt(1, 3);
            p[i] = r.nextInt(k[i] / 2 + 1);
            size[i] = Math.max(1, k[i] - 2 * p[i]) + r.nextInt(c[2] + 1);
        }
        return new Tensor[] {Samples.distinct(new int[] {c[0], c[1], size[0], size[1]}, r),
                params(k[0], k[1], s[0], s[1], p[0], p[1], r.nextInt(2))};
    }

    private static Tensor pool(String name, Tensor[] in) {
        int[] q = params(in);
        int[] k = {q[0], q[1]}, s = {q[2], q[3]}, p = {q[4], q[5]};
        return name.equals("maxPool2d") ? Functional.maxPool2d(in[0], k, s, p) : Functional.avgPool2d(in[0], k, s, p, q[6] == 1);
    }

    private static OpSpec pool(String name) {
        Gen<int[]> tiny = Gen.zip(Gens.shape(2, 2, 1, 3), Gen.ints(0, 3), (a, e) -> Samples.concat(a, e));
        Gen<int[]> layout = Gen.zip(Gens.shape(2, 2, 0, 4), Gen.ints(0, 4), (a, e) -> Samples.concat(a, e));
        return OpSpec.builder(name).fn(in -> pool(name, in))
                .inputs(build(tiny, LayerOps::poolInputs)).layoutInputs(build(layout, LayerOps::poolInputs))
                .notApplicable(Check.BROADCAST, "one operand: nothing to broadcast")
                .error(when("a 3-d input", in -> pool(name, in), f64(1, 4, 4), params(2, 2, 2, 2, 0, 0, 1))
                        .rejects(name + ":", "input must be [N, C, H, W], got tensor [1, 4, 4] F64"))
                .error(when("padding above half the kernel", in -> pool(name, in), f64(1, 1, 4, 4), params(2, 2, 2, 2, 2, 2, 1))
                        .rejects(name + ":", "padding [2, 2] must be at most half the kernel [2, 2]"))
                .error(when("a kernel larger than the input", in -> pool(name, in), f64(1, 1, 2, 2), params(3, 3, 1, 1, 0, 0, 1))
                        .rejects(name + ":", "the 3×3 kernel (dilation [1, 1]) does not fit the 2×2 input padded by [0, 0]"))
                .error(when("a zero stride", in -> pool(name, in), f64(1, 1, 4, 4), params(2, 2, 0, 0, 0, 0, 1))
                        .rejects(name + ":", "stride [0, 0]", "must be positive"))
                .build();
    }

    // ---------------------------------------------------------------- normalization

    /** x {@code [N ≥ 2, C]} or {@code [N ≥ 2, C, L]} with distinct values, weight and bias {@code [C]}. */
    private static Tensor[] batchNormInputs(int[] c, SplittableRandom r) {
        int[] shape = c[2] == 0 ? new int[] {c[0] + 1, c[1]} : new int[] {c[0] + 1, c[1], c[2]};
        int[] ch = {c[1]};
        return new Tensor[] {Samples.distinct(shape, r), f64(ch, Domain.real(), r), f64(ch, Domain.real(), r)};
    }

    /** Training mode; the running statistics are fresh per call (on the weight's device) and updated in place. */
    private static OpSpec batchNorm() {
        Gen<int[]> tiny = Gen.zip(Gens.shape(2, 2, 1, 3), Gen.ints(0, 2), (a, l) -> Samples.concat(a, l));
        Gen<int[]> layout = Gen.zip(Gens.shape(2, 2, 1, 4), Gens.simdLength(), (a, l) -> Samples.concat(a, l));
        return OpSpec.builder("batchNorm")
                .fn(in -> Functional.batchNorm(in[0], Tensor.zerosLike(in[1]), Tensor.onesLike(in[1]), in[1], in[2], true,
                        MOMENTUM, EPS))
                .inputs(build(tiny, LayerOps::batchNormInputs)).layoutInputs(build(layout, LayerOps::batchNormInputs))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .error(when("a weight of the wrong size", in -> Functional.batchNorm(in[0], null, null, in[1], null, true,
                        MOMENTUM, EPS), f64(2, 3), f64(4)).rejects("batchNorm:", "must be [3] for input tensor [2, 3] F64",
                        "got tensor [4] F64"))
                .error(when("one value per channel in training", in -> Functional.batchNorm(in[0], null, null, null, null,
                        true, MOMENTUM, EPS), f64(1, 3)).rejects("batchNorm:", "more than one value per channel",
                        "tensor [1, 3] F64"))
                .error(when("a 1-d input", in -> Functional.batchNorm(in[0], null, null, null, null, true, MOMENTUM, EPS),
                        f64(3)).rejects("batchNorm:", "input must be [N, C, …], got tensor [3] F64"))
                .build();
    }

    /** Eval mode: x, running mean, running variance (positive), weight, bias. */
    private static OpSpec batchNormEval() {
        BiFunction<int[], SplittableRandom, Tensor[]> make = (c, r) -> {
            int[] shape = c[2] == 0 ? new int[] {c[0], c[1]} : new int[] {c[0], c[1], c[2]};
            int[] ch = {c[1]};
            return new Tensor[] {f64(shape, Domain.real(), r), f64(ch, Domain.real(), r), f64(ch, Domain.positive(), r),
                    f64(ch, Domain.real(), r), f64(ch, Domain.real(), r)};
        };
        Gen<int[]> tiny = Gen.zip(Gens.shape(2, 2, 1, 3), Gen.ints(0, 2), (a, l) -> Samples.concat(a, l));
        Gen<int[]> layout = Gen.zip(Gens.shape(2, 2, 0, 4), Gens.simdLength(), (a, l) -> Samples.concat(a, l));
        return OpSpec.builder("batchNorm.eval")
                .fn(in -> Functional.batchNorm(in[0], in[1], in[2], in[3], in[4], false, MOMENTUM, EPS))
                .inputs(build(tiny, make)).layoutInputs(build(layout, make))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .error(when("no running statistics", in -> Functional.batchNorm(in[0], null, null, null, null, false,
                        MOMENTUM, EPS), f64(2, 3)).rejects("batchNorm:", "evaluation needs the running mean and variance"))
                .error(when("running statistics of the wrong size", in -> Functional.batchNorm(in[0], in[1], in[1], null,
                        null, false, MOMENTUM, EPS), f64(2, 3), f64(2)).rejects("batchNorm:", "must be [3] for input tensor"
                        + " [2, 3] F64", "got tensor [2] F64"))
                .build();
    }

    /** x with distinct values; weight and bias of its trailing 1..rank dimensions, which are the ones normalized. */
    private static Tensor[] layerNormInputs(int[] s, SplittableRandom r) {
        int k = r.nextInt(1, s.length + 1);
        int[] norm = Arrays.copyOfRange(s, s.length - k, s.length);
        return new Tensor[] {Samples.distinct(s, r), f64(norm, Domain.real(), r), f64(norm, Domain.real(), r)};
    }

    private static OpSpec layerNorm() {
        return OpSpec.builder("layerNorm")
                .fn(in -> Functional.layerNorm(in[0], in[1].shape(), in[1], in[2], EPS))
                .inputs(build(Samples.small(1), LayerOps::layerNormInputs))
                .layoutInputs(build(Samples.layout(1, true), LayerOps::layerNormInputs))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .error(when("a normalized shape that is not trailing", in -> Functional.layerNorm(in[0], new int[] {4}, null,
                        null, EPS), f64(2, 3)).rejects("layerNorm:", "normalized shape [4] must be the trailing dimensions of"
                        + " tensor [2, 3] F64"))
                .error(when("a weight of the wrong shape", in -> Functional.layerNorm(in[0], new int[] {3}, in[1], null, EPS),
                        f64(2, 3), f64(4)).rejects("layerNorm:", "weight and bias must be [3], got tensor [4] F64"))
                .build();
    }
}
