package org.jgrad.testkit;

import static org.jgrad.testkit.Samples.build;
import static org.jgrad.testkit.Samples.f64;
import static org.jgrad.testkit.Samples.i32;
import static org.jgrad.testkit.Samples.params;
import static org.jgrad.testkit.Samples.when;
import static org.jgrad.testkit.Samples.with;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.jgrad.Tensor;

/**
 * The registry's structure ops: cat, stack, pad, and the index ops gather, scatterAdd, indexSelect, oneHot. The
 * parameter tensor holds the axis ({@code [axis]}), the pads ({@code [valueCode, pads…]}) or the class count.
 */
final class StructureOps {
    private static final String FIXED_ROLES = "its operands have fixed roles and shapes: nothing broadcasts";

    private StructureOps() {
    }

    static List<OpSpec> all() {
        return List.of(cat(), stack(), pad(), gather(), scatterAdd(), indexSelect(), oneHot());
    }

    /** The tensors of {@code in} without the trailing parameter tensor. */
    private static Tensor[] operands(Tensor[] in) {
        return Arrays.copyOf(in, in.length - 1);
    }

    /** 2..3 tensors of one shape but for dimension {@code axis}, whose sizes vary; parameters {@code [axis]}. */
    private static Tensor[] catInputs(int[] s, SplittableRandom r, int minSize) {
        int axis = Samples.axis(s.length, r), d = axis < 0 ? axis + s.length : axis;
        Tensor[] parts = new Tensor[r.nextInt(2, 4)];
        for (int i = 0; i < parts.length; i++) {
            int[] shape = s.clone();
            shape[d] = r.nextInt(minSize, 4);
            parts[i] = f64(shape, Domain.real(), r);
        }
        return with(params(axis), parts);
    }

    private static OpSpec cat() {
        return OpSpec.builder("cat").fn(in -> Tensor.cat(params(in)[0], operands(in)))
                .inputs(build(Samples.small(1), (s, r) -> catInputs(s, r, 1)))
                .layoutInputs(build(Samples.layout(1, true), (s, r) -> catInputs(s, r, 0)))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .error(when("shapes that differ outside the axis", in -> Tensor.cat(1, in), f64(2, 3), f64(3, 4))
                        .rejects("cat:", "tensor 1 has shape [3, 4] but tensor 0 has [2, 3]", "all dimensions but 1"))
                .error(when("an axis beyond the rank", in -> Tensor.cat(2, in), f64(2, 3), f64(2, 3))
                        .rejects("cat:", "axis 2 is out of range for a tensor of rank 2"))
                .error(when("0-d tensors", in -> Tensor.cat(0, in), f64(), f64())
                        .rejects("cat:", "cannot concatenate 0-d tensors"))
                .build();
    }

    /** 2..3 tensors of one shape; parameters {@code [axis]} with the axis in {@code -(rank+1)..rank}. */
    private static Tensor[] stackInputs(int[] s, SplittableRandom r) {
        Tensor[] parts = new Tensor[r.nextInt(2, 4)];
        for (int i = 0; i < parts.length; i++) parts[i] = f64(s, Domain.real(), r);
        return with(params(Samples.axis(s.length + 1, r)), parts);
    }

    private static OpSpec stack() {
        return OpSpec.builder("stack").fn(in -> Tensor.stack(params(in)[0], operands(in)))
                .inputs(build(Samples.SMALL, StructureOps::stackInputs))
                .layoutInputs(build(Samples.layout(0, true), StructureOps::stackInputs))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .error(when("shapes that differ", in -> Tensor.stack(0, in), f64(2, 3), f64(2, 4))
                        .rejects("stack:", "tensor 1 has shape [2, 4] but tensor 0 has [2, 3]"))
                .error(when("an axis beyond rank + 1", in -> Tensor.stack(3, in), f64(2, 3), f64(2, 3))
                        .rejects("stack:", "axis 3 is out of range for a tensor of rank 3"))
                .build();
    }

    /** Parameters {@code [valueCode, pads…]}: value {@code valueCode / 2}, up to one (before, after) pair per dimension. */
    private static Tensor[] padInputs(int[] s, SplittableRandom r) {
        int pairs = r.nextInt(s.length + 1);
        int[] p = new int[1 + 2 * pairs];
        p[0] = r.nextInt(-2, 3);
        for (int i = 1; i < p.length; i++) p[i] = r.nextInt(3);
        return new Tensor[] {f64(s, Domain.real(), r), params(p)};
    }

    private static OpSpec pad() {
        return OpSpec.builder("pad")
                .fn(in -> {
                    int[] p = params(in);
                    return in[0].pad(p[0] / 2.0, Arrays.copyOfRange(p, 1, p.length));
                })
                .inputs(build(Samples.SMALL, StructureOps::padInputs))
                .layoutInputs(build(Samples.layout(0, true), StructureOps::padInputs))
                .notApplicable(Check.BROADCAST, "one operand: nothing to broadcast")
                .error(when("an odd number of pads", in -> in[0].pad(1), f64(2, 3))
                        .rejects("pad:", "[1] must hold (before, after) pairs", "tensor [2, 3] F64"))
                .error(when("more pairs than dimensions", in -> in[0].pad(1, 1, 1, 1), f64(3))
                        .rejects("pad:", "[1, 1, 1, 1]", "tensor [3] F64"))
                .error(when("negative padding", in -> in[0].pad(0, -1), f64(2, 3))
                        .rejects("pad:", "negative padding in [0, -1]"))
                .build();
    }

    /**
     * x of shape s, an I32 index of x's rank no larger than x outside the axis and of size 1..3 along it (0 allowed in
     * layout cases), its values in range; parameters {@code [axis]}.
     */
    private static Tensor[] indexInputs(int[] s, SplittableRandom r, boolean withSource, int minSize) {
        int axis = Samples.axis(s.length, r), d = axis < 0 ? axis + s.length : axis;
        int[] is = new int[s.length];
        for (int k = 0; k < s.length; k++) is[k] = k == d ? r.nextInt(minSize, 4) : r.nextInt(Math.min(minSize, s[k]), s[k] + 1);
        if (s[d] == 0) is[d] = 0;
        Tensor x = f64(s, Domain.real(), r), index = Samples.ints(is, 0, Math.max(s[d] - 1, 0), r);
        return withSource ? new Tensor[] {x, index, f64(is, Domain.real(), r), params(axis)}
                : new Tensor[] {x, index, params(axis)};
    }

    private static OpSpec gather() {
        return OpSpec.builder("gather").fn(in -> in[0].gather(params(in)[0], in[1]))
                .inputs(build(Samples.small(1), (s, r) -> indexInputs(s, r, false, 1)))
                .layoutInputs(build(Samples.layout(1, true), (s, r) -> indexInputs(s, r, false, 0)))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .errors(indexErrors("gather", (x, idx) -> x.gather(0, idx)))
                .error(when("an index larger than the input outside the axis", in -> in[0].gather(0, in[1]), f64(3, 2),
                        i32(new int[] {0}, 2, 3)).rejects("gather:", "index tensor [2, 3] I32 is larger than tensor [3, 2] F64",
                        "dimension 1"))
                .build();
    }

    /** The errors gather and scatterAdd share: a float index, an index out of range, a rank mismatch, a bad axis. */
    private static List<ErrorCase> indexErrors(String name, BiFunction<Tensor, Tensor, Tensor> f) {
        List<ErrorCase> out = new ArrayList<>();
        out.add(when("an F64 index", in -> f.apply(in[0], in[1]), f64(3, 2), f64(2, 2))
                .rejects(name + ":", "the index must be I32", "tensor [2, 2] F64"));
        out.add(when("an index value beyond the axis", in -> f.apply(in[0], in[1]), f64(3, 2), i32(new int[] {0, 3}, 2, 2))
                .rejects(name + ":", "index 3 is out of range for dimension 0 of tensor [3, 2] F64 (size 3)"));
        out.add(when("a negative index value", in -> f.apply(in[0], in[1]), f64(3, 2), i32(new int[] {-1, 0}, 2, 2))
                .rejects(name + ":", "index -1 is out of range"));
        out.add(when("an index of another rank", in -> f.apply(in[0], in[1]), f64(3, 2), i32(new int[] {0}, 2))
                .rejects(name + ":", "index tensor [2] I32 and tensor [3, 2] F64 differ in rank"));
        return out;
    }

    private static OpSpec scatterAdd() {
        return OpSpec.builder("scatterAdd").fn(in -> in[0].scatterAdd(params(in)[0], in[1], in[2]))
                .inputs(build(Samples.small(1), (s, r) -> indexInputs(s, r, true, 1)))
                .layoutInputs(build(Samples.layout(1, true), (s, r) -> indexInputs(s, r, true, 0)))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .errors(indexErrors("scatterAdd", (x, idx) -> x.scatterAdd(0, idx, Tensor.onesLike(idx).to(x.dtype()))))
                .error(when("a source of another shape than the index", in -> in[0].scatterAdd(0, in[1], in[2]), f64(3, 2),
                        i32(new int[] {0}, 2, 2), f64(3)).rejects("scatterAdd:", "index tensor [2, 2] I32",
                        "source tensor [3] F64", "must have the same shape"))
                .build();
    }

    /** x, a 1-d I32 index of length 0..4 (≥ 1 for gradient checks) in range of the axis; parameters {@code [axis]}. */
    private static Tensor[] selectInputs(int[] s, SplittableRandom r, int minLength) {
        int axis = Samples.axis(s.length, r), d = axis < 0 ? axis + s.length : axis;
        int length = s[d] == 0 ? 0 : r.nextInt(minLength, 5);
        return new Tensor[] {f64(s, Domain.real(), r), Samples.ints(new int[] {length}, 0, Math.max(s[d] - 1, 0), r), params(axis)};
    }

    private static OpSpec indexSelect() {
        return OpSpec.builder("indexSelect").fn(in -> in[0].indexSelect(params(in)[0], in[1]))
                .inputs(build(Samples.small(1), (s, r) -> selectInputs(s, r, 1)))
                .layoutInputs(build(Samples.layout(1, true), (s, r) -> selectInputs(s, r, 0)))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .error(when("a 2-d index", in -> in[0].indexSelect(0, in[1]), f64(3, 2), i32(new int[] {0}, 2, 2))
                        .rejects("indexSelect:", "1-d I32", "tensor [2, 2] I32"))
                .error(when("an F64 index", in -> in[0].indexSelect(0, in[1]), f64(3, 2), f64(2))
                        .rejects("indexSelect:", "1-d I32", "tensor [2] F64"))
                .error(when("an index value beyond the axis", in -> in[0].indexSelect(1, in[1]), f64(3, 2),
                        i32(new int[] {0, 2}, 2)).rejects("indexSelect:", "index 2 is out of range", "tensor [3, 2] F64"))
                .error(when("an axis beyond the rank", in -> in[0].indexSelect(2, in[1]), f64(3, 2), i32(new int[] {0}, 1))
                        .rejects("indexSelect:", "axis 2 is out of range for a tensor of rank 2"))
                .build();
    }

    /** I32 classes in {@code 0..C-1} of shape s (rank ≤ 2 here); parameters {@code [C]}. */
    private static Tensor[] oneHotInputs(int[] s, SplittableRandom r) {
        int classes = r.nextInt(1, 6);
        return new Tensor[] {Samples.ints(s, 0, classes - 1, r), params(classes)};
    }

    private static OpSpec oneHot() {
        String why = "oneHot maps I32 classes to I32: nothing to differentiate";
        return OpSpec.builder("oneHot").fn(in -> in[0].oneHot(params(in)[0]))
                .inputs(build(Gens.shape(0, 2, 1, 4), StructureOps::oneHotInputs))
                .layoutInputs(build(Samples.layout(0, true), StructureOps::oneHotInputs))
                .notApplicable(Check.GRAD, why).notApplicable(Check.GRAD_GRAD, why)
                .notApplicable(Check.BROADCAST, "one operand: nothing to broadcast")
                .error(when("F64 classes", in -> in[0].oneHot(3), f64(2))
                        .rejects("oneHot:", "class indices must be I32", "tensor [2] F64"))
                .error(when("a class beyond numClasses", in -> in[0].oneHot(3), i32(new int[] {0, 3}, 2))
                        .rejects("oneHot:", "index 3 is out of range for 3 classes"))
                .error(when("no classes", in -> in[0].oneHot(0), i32(new int[] {0}, 2))
                        .rejects("oneHot:", "numClasses must be positive, got 0"))
                .build();
    }
}
