package org.jgrad.testkit;

import static org.jgrad.testkit.Samples.build;
import static org.jgrad.testkit.Samples.f64;
import static org.jgrad.testkit.Samples.i32;
import static org.jgrad.testkit.Samples.params;
import static org.jgrad.testkit.Samples.when;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.jgrad.Activation;
import java.util.Arrays;
import org.jgrad.Functional;
import org.jgrad.Reduction;
import org.jgrad.Rng;
import org.jgrad.Tensor;

/**
 * The registry's nn functions without spatial structure: softmax, logSoftmax, the losses, linear, dropout and
 * embedding. A loss's parameters start with the reduction ({@code Reduction.values()} index).
 */
final class NnOps {
    private static final String FIXED_ROLES = "its operands have fixed roles and shapes: nothing broadcasts";
    /** The class index that crossEntropy and nllLoss are told to ignore. */
    private static final int IGNORE = -1;

    private NnOps() {
    }

    static List<OpSpec> all() {
        return List.of(softmax("softmax", false), softmax("logSoftmax", true), classLoss("crossEntropy", true),
                classLoss("nllLoss", false), pairLoss(PairLoss.MSE), pairLoss(PairLoss.L1), pairLoss(PairLoss.BCE),
                linear(), biasActivation(), dropout(), embedding());
    }

    private static OpSpec softmax(String name, boolean log) {
        BiFunction<int[], SplittableRandom, Tensor[]> make = (s, r) -> new Tensor[] {
                f64(s, Domain.real(), r), params(Samples.axis(s.length, r))};
        return OpSpec.builder(name).fn(in -> log ? in[0].logSoftmax(params(in)[0]) : in[0].softmax(params(in)[0]))
                .inputs(build(Samples.small(1), make)).layoutInputs(build(Samples.layout(1, true), make))
                .notApplicable(Check.BROADCAST, "one operand: nothing to broadcast")
                .error(when("an axis beyond the rank", in -> log ? in[0].logSoftmax(2) : in[0].softmax(2), f64(2, 3))
                        .rejects(name + ":", "axis 2 is out of range for a tensor of rank 2"))
                .build();
    }

    // ---------------------------------------------------------------- class losses

    /**
     * Scores {@code [C]}, {@code [N, C]} or {@code [N, C, d]} (config {@code [form, C, N, d]}), I32 targets with some
     * set to the ignored index (the first never, so a mean has something to average); parameters
     * {@code [reduction, labelSmoothing·10]}.
     */
    private static Tensor[] classInputs(int[] c, SplittableRandom r) {
        int form = c[0], classes = c[1], n = c[2], extra = c[3];
        int[] scores = switch (form) {
            case 0 -> new int[] {classes};
            case 1 -> new int[] {n, classes};
            default -> new int[] {n, classes, extra};
        };
        int[] targetShape = switch (form) {
            case 0 -> new int[0];
            case 1 -> new int[] {n};
            default -> new int[] {n, extra};
        };
        int[] t = new int[Samples.numel(targetShape)];
        for (int i = 0; i < t.length; i++) t[i] = i > 0 && r.nextInt(4) == 0 ? IGNORE : r.nextInt(classes);
        return new Tensor[] {f64(scores, Domain.real(), r), Tensor.of(t, targetShape),
                params(r.nextInt(Reduction.values().length), r.nextInt(4))};
    }

    private static Tensor classLoss(Tensor[] in, boolean fromLogits) {
        int[] p = params(in);
        Reduction reduction = Reduction.values()[p[0]];
        return fromLogits ? Functional.crossEntropy(in[0], in[1], p[1] / 10.0, IGNORE, reduction)
                : Functional.nllLoss(in[0], in[1], IGNORE, reduction);
    }

    private static OpSpec classLoss(String name, boolean fromLogits) {
        Gen<int[]> config = Gen.zip(Gen.ints(0, 2), Gens.shape(3, 3, 1, 3), (form, cnd) -> Samples.concat(new int[] {form}, cnd));
        Gen<int[]> layout = Gen.zip(Gen.zip(Gen.ints(0, 2), Gens.simdLength(), (f, k) -> new int[] {f, k}),
                Gens.shape(2, 2, 0, 3), (fc, nd) -> new int[] {fc[0], fc[1], nd[0], nd[1]});
        OpSpec.Builder b = OpSpec.builder(name).fn(in -> classLoss(in, fromLogits))
                .inputs(build(config, NnOps::classInputs)).layoutInputs(build(layout, NnOps::classInputs))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .error(when("targets of the wrong shape", in -> classLoss(in, fromLogits), f64(2, 4), i32(new int[] {0}, 3),
                        params(1, 0)).rejects(name + ":", "targets tensor [3] I32 do not match scores tensor [2, 4] F64",
                        "expected targets of shape [2]"))
                .error(when("F64 targets", in -> classLoss(in, fromLogits), f64(2, 4), f64(2), params(1, 0))
                        .rejects(name + ":", "targets must be I32 class indices", "tensor [2] F64"))
                .error(when("a target beyond the classes", in -> classLoss(in, fromLogits), f64(2, 4),
                        i32(new int[] {0, 4}, 2), params(1, 0)).rejects(name + ":", "target 4 is out of range for 4 classes"));
        if (fromLogits)
            b.error(when("label smoothing above 1", in -> Functional.crossEntropy(in[0], in[1], 1.5, IGNORE, Reduction.MEAN),
                    f64(2, 4), i32(new int[] {0}, 2)).rejects("crossEntropy:", "label smoothing must be in [0, 1], got 1.5"));
        return b.build();
    }

    // ---------------------------------------------------------------- pointwise losses

    /** The losses of an input and a target of one shape. */
    private enum PairLoss {
        MSE("mseLoss"), L1("l1Loss"), BCE("bceWithLogits");

        final String op;

        PairLoss(String op) {
            this.op = op;
        }

        Tensor apply(Tensor x, Tensor y, Reduction reduction) {
            return switch (this) {
                case MSE -> Functional.mseLoss(x, y, reduction);
                case L1 -> Functional.l1Loss(x, y, reduction);
                case BCE -> Functional.bceWithLogits(x, y, reduction);
            };
        }

        /**
         * Input and target of one shape; parameters {@code [reduction]}. l1Loss's target stays 0.1 away from the
         * input (|x − y| has a kink at 0), bceWithLogits' logits 0.1 away from 0 (where relu and abs, which it is
         * built from, have kinks that cancel only in exact arithmetic) and its targets in [0, 1].
         */
        Tensor[] inputs(int[] s, SplittableRandom r) {
            Tensor x = f64(s, this == BCE ? Domain.awayFrom(-3, 3, 0.1, 0) : Domain.real(), r);
            Tensor y = switch (this) {
                case MSE -> f64(s, Domain.real(), r);
                case L1 -> x.add(f64(s, Domain.awayFrom(-1, 1, 0.1, 0), r));
                case BCE -> f64(s, Domain.range(0, 1), r);
            };
            return new Tensor[] {x, y, params(r.nextInt(Reduction.values().length))};
        }
    }

    private static OpSpec pairLoss(PairLoss loss) {
        String name = loss.op;
        return OpSpec.builder(name).fn(in -> loss.apply(in[0], in[1], Reduction.values()[params(in)[0]]))
                .inputs(build(Samples.SMALL, loss::inputs))
                .layoutInputs(build(Samples.layout(0, true), loss::inputs))
                .notApplicable(Check.BROADCAST, name + " requires input and target of one shape (as PyTorch warns, a"
                        + " broadcast target is almost always a bug)")
                .error(when("input and target of different shapes", in -> loss.apply(in[0], in[1], Reduction.MEAN),
                        f64(2, 3), f64(3)).rejects(name + ":", "input tensor [2, 3] F64 and target tensor [3] F64",
                        "must have the same shape"))
                .build();
    }

    // ---------------------------------------------------------------- linear, dropout, embedding

    /** x {@code [batch…, in]} (batch rank 0..2), weight {@code [out, in]}, optional bias; parameters {@code [hasBias]}. */
    private static Tensor[] linearInputs(int[] c, SplittableRandom r, int minBatch) {
        int in = c[0], out = c[1];
        int[] batch = new int[r.nextInt(3)];
        for (int d = 0; d < batch.length; d++) batch[d] = r.nextInt(minBatch, 4);
        Tensor x = f64(Samples.concat(batch, in), Domain.real(), r), w = f64(new int[] {out, in}, Domain.real(), r);
        return r.nextBoolean() ? new Tensor[] {x, w, f64(new int[] {out}, Domain.real(), r), params(1)}
                : new Tensor[] {x, w, params(0)};
    }

    private static OpSpec linear() {
        Gen<int[]> layout = Gen.zip(Gens.simdLength(), Gen.ints(1, 3), (in, out) -> new int[] {in, out});
        return OpSpec.builder("linear")
                .fn(in -> Functional.linear(in[0], in[1], params(in)[0] == 1 ? in[2] : null))
                .inputs(build(Gens.shape(2, 2, 1, 4), (c, r) -> linearInputs(c, r, 1)))
                .layoutInputs(build(layout, (c, r) -> linearInputs(c, r, 0)))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .error(when("an input whose last dimension is not the weight's", in -> Functional.linear(in[0], in[1], null),
                        f64(2, 3), f64(4, 5)).rejects("linear:", "input tensor [2, 3] F64 does not match weight tensor"
                        + " [4, 5] F64", "last dimension must be 5"))
                .error(when("a 1-d weight", in -> Functional.linear(in[0], in[1], null), f64(2, 3), f64(3))
                        .rejects("linear:", "weight must be [out, in], got tensor [3] F64"))
                .error(when("a bias of the wrong size", in -> Functional.linear(in[0], in[1], in[2]), f64(2, 5),
                        f64(4, 5), f64(3)).rejects("linear:", "bias tensor [3] F64 does not match weight tensor [4, 5] F64",
                        "expected [4]"))
                .build();
    }

    /**
     * y and bias {@code [C]} along a random axis, y drawn as z − bias so that y + bias = z stays away from ReLU's
     * kink; parameters {@code [axis, activation]}.
     */
    private static Tensor[] biasActivationInputs(int[] s, SplittableRandom r) {
        int axis = Samples.axis(s.length, r), d = axis < 0 ? axis + s.length : axis;
        int[] bshape = new int[s.length];
        Arrays.fill(bshape, 1);
        bshape[d] = s[d];
        Tensor bias = f64(new int[] {s[d]}, Domain.real(), r);
        Tensor y = f64(s, Domain.awayFrom(-2, 2, 0.1, 0), r).sub(bias.reshape(bshape));
        return new Tensor[] {y, bias, params(axis, r.nextInt(Activation.values().length))};
    }

    private static OpSpec biasActivation() {
        return OpSpec.builder("biasActivation")
                .fn(in -> {
                    int[] p = params(in);
                    return Functional.biasActivation(in[0], in[1], p[0], Activation.values()[p[1]]);
                })
                .inputs(build(Samples.small(1), NnOps::biasActivationInputs))
                .layoutInputs(build(Samples.layout(1, true), NnOps::biasActivationInputs))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .error(when("a bias that does not match the axis", in -> Functional.biasActivation(in[0], in[1], 1,
                        Activation.RELU), f64(2, 3), f64(4)).rejects("biasActivation:", "bias tensor [4] F64 does not"
                        + " match dimension 1 of tensor [2, 3] F64", "expected [3]"))
                .error(when("an axis beyond the rank", in -> Functional.biasActivation(in[0], in[1], 2,
                        Activation.NONE), f64(2, 3), f64(3)).rejects("biasActivation:", "axis 2 is out of range"))
                .build();
    }

    /** Seeded dropout: parameters {@code [p·100, seed]}; the mask is a function of the seed, so it is deterministic. */
    private static OpSpec dropout() {
        BiFunction<int[], SplittableRandom, Tensor[]> make = (s, r) -> new Tensor[] {
                f64(s, Domain.real(), r), params(r.nextInt(0, 10) * 10, r.nextInt(1000))};
        return OpSpec.builder("dropout")
                .fn(in -> {
                    int[] p = params(in);
                    return Functional.dropout(in[0], p[0] / 100.0, true, new Rng(p[1]));
                })
                .inputs(build(Samples.SMALL, make)).layoutInputs(build(Samples.layout(0, true), make))
                .notApplicable(Check.BROADCAST, "one operand: nothing to broadcast")
                .error(when("a probability above 1", in -> Functional.dropout(in[0], 1.5, true, new Rng(1)), f64(2))
                        .rejects("dropout:", "probability must be in [0, 1], got 1.5"))
                .error(when("an I32 input in training", in -> Functional.dropout(in[0], 0.5, true, new Rng(1)),
                        i32(new int[] {1}, 2)).rejects("dropout:", "needs F32 or F64", "tensor [2] I32"))
                .build();
    }

    /** I32 indices of rank 0..2 into the rows of weight {@code [V, D]}. */
    private static Tensor[] embeddingInputs(int[] c, SplittableRandom r, int minDim) {
        int rows = c[0], width = c[1];
        int[] shape = new int[r.nextInt(3)];
        for (int d = 0; d < shape.length; d++) shape[d] = r.nextInt(minDim, 4);
        return new Tensor[] {Samples.ints(shape, 0, rows - 1, r), f64(new int[] {rows, width}, Domain.real(), r)};
    }

    private static OpSpec embedding() {
        Gen<int[]> layout = Gen.zip(Gen.ints(1, 5), Gens.simdLength(), (v, d) -> new int[] {v, d});
        return OpSpec.builder("embedding").fn(in -> Functional.embedding(in[0], in[1]))
                .inputs(build(Gens.shape(2, 2, 1, 4), (c, r) -> embeddingInputs(c, r, 1)))
                .layoutInputs(build(layout, (c, r) -> embeddingInputs(c, r, 0)))
                .notApplicable(Check.BROADCAST, FIXED_ROLES)
                .error(when("an index beyond the rows", in -> Functional.embedding(in[0], in[1]), i32(new int[] {0, 4}, 2),
                        f64(4, 2)).rejects("embedding:", "index 4 is out of range", "tensor [4, 2] F64"))
                .error(when("F64 indices", in -> Functional.embedding(in[0], in[1]), f64(2), f64(4, 2))
                        .rejects("embedding:", "indices must be I32", "tensor [2] F64"))
                .error(when("a 1-d weight", in -> Functional.embedding(in[0], in[1]), i32(new int[] {0}, 2), f64(4))
                        .rejects("embedding:", "weight must be [V, D], got tensor [4] F64"))
                .build();
    }
}
