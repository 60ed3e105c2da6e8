package org.jgrad.testkit;

import static org.jgrad.testkit.Samples.build;
import static org.jgrad.testkit.Samples.f64;
import static org.jgrad.testkit.Samples.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Grad;
import org.jgrad.Tensor;

/** The registry's elementwise ops: unary, binary (broadcasting), comparisons, where, and dtype casts. */
final class ElementwiseOps {
    /** Away from the kink at 0 of relu, abs, sign and leakyRelu by far more than a finite-difference step. */
    private static final Domain NOT_ZERO = Domain.awayFrom(-2, 2, 0.1, 0);
    private static final double CLAMP_LO = -0.5, CLAMP_HI = 0.75;
    private static final String ONE_OPERAND = "one operand: nothing to broadcast";

    private ElementwiseOps() {
    }

    static List<OpSpec> all() {
        List<OpSpec> ops = new ArrayList<>();
        ops.add(unary("neg", Domain.real(), Tensor::neg, bool("neg", Tensor::neg)));
        ops.add(unary("exp", Domain.real(), Tensor::exp, staleOutput("exp", Tensor::exp)));
        ops.add(unary("log", Domain.positive(), Tensor::log, staleInput("log", Tensor::log, "'log'")));
        ops.add(unary("sqrt", Domain.positive(), Tensor::sqrt, staleOutput("sqrt", Tensor::sqrt)));
        ops.add(unaryBuilder("rsqrt", Domain.positive(), Tensor::rsqrt).notApplicable(Check.ERRORS,
                "rsqrt accepts every tensor (integers are promoted to F32) and saves no tensor a caller can reach").build());
        ops.add(unary("abs", NOT_ZERO, Tensor::abs, bool("abs", Tensor::abs)));
        ops.add(unary("sign", NOT_ZERO, Tensor::sign, bool("sign", Tensor::sign)));
        ops.add(unary("tanh", Domain.real(), Tensor::tanh, staleOutput("tanh", Tensor::tanh)));
        ops.add(unary("sigmoid", Domain.real(), Tensor::sigmoid, staleOutput("sigmoid", Tensor::sigmoid)));
        ops.add(unary("relu", NOT_ZERO, Tensor::relu, bool("relu", Tensor::relu)));
        // composites report the primitive that saved the tensor
        ops.add(unary("leakyRelu", NOT_ZERO, x -> x.leakyRelu(0.1), staleInput("leakyRelu", x -> x.leakyRelu(0.1), "'mul' (inside leakyRelu)")));
        ops.add(unary("gelu", Domain.real(), Tensor::gelu, staleInput("gelu", Tensor::gelu, "'mul' (inside gelu)")));
        ops.add(unary("silu", Domain.real(), Tensor::silu, staleInput("silu", Tensor::silu, "'mul' (inside silu)")));
        ops.add(unary("sin", Domain.real(), Tensor::sin, staleInput("sin", Tensor::sin, "'sin'")));
        ops.add(unary("cos", Domain.real(), Tensor::cos, staleInput("cos", Tensor::cos, "'cos'")));
        ops.add(unary("erf", Domain.real(), Tensor::erf, staleInput("erf", Tensor::erf, "'erf'")));
        ops.add(unary("clamp", Domain.awayFrom(-2, 2, 0.1, CLAMP_LO, CLAMP_HI), x -> x.clamp(CLAMP_LO, CLAMP_HI),
                when("a lower bound above the upper bound", in -> in[0].clamp(1, -1), f64(2, 3))
                        .rejects("clamp:", "lower bound 1.0 exceeds upper bound -1.0")));
        ops.add(cast());
        ops.add(binary("add", Domain.real(), Domain.real(), Tensor::add));
        ops.add(binary("sub", Domain.real(), Domain.real(), Tensor::sub));
        ops.add(binary("mul", Domain.real(), Domain.real(), Tensor::mul));
        ops.add(binary("div", Domain.real(), Domain.awayFrom(-2, 2, 0.5, 0), Tensor::div));
        ops.add(binary("pow", Domain.positive(), Domain.real(), Tensor::pow));
        ops.add(extremum("maximum", Tensor::maximum));
        ops.add(extremum("minimum", Tensor::minimum));
        ops.add(comparison("lt", Tensor::lt));
        ops.add(comparison("le", Tensor::le));
        ops.add(comparison("gt", Tensor::gt));
        ops.add(comparison("ge", Tensor::ge));
        ops.add(comparison("eq", Tensor::eq));
        ops.add(comparison("ne", Tensor::ne));
        ops.add(where());
        return ops;
    }

    // ---------------------------------------------------------------- unary

    private static OpSpec unary(String name, Domain domain, UnaryOperator<Tensor> f, ErrorCase error) {
        return unaryBuilder(name, domain, f).error(error).build();
    }

    private static OpSpec.Builder unaryBuilder(String name, Domain domain, UnaryOperator<Tensor> f) {
        return OpSpec.builder(name).fn(in -> f.apply(in[0]))
                .inputs(build(Samples.SMALL, (s, r) -> new Tensor[] {f64(s, domain, r)}))
                .layoutInputs(build(Samples.layout(0, true), (s, r) -> new Tensor[] {f64(s, domain, r)}))
                .notApplicable(Check.BROADCAST, ONE_OPERAND);
    }

    /** A BOOL operand, which arithmetic without a numeric meaning for true/false refuses. */
    private static ErrorCase bool(String name, UnaryOperator<Tensor> f) {
        return when("a BOOL operand", in -> f.apply(in[0]), f64(2, 3).gt(1)).rejects(name + ":", "BOOL", "[2, 3]");
    }

    /** The op's saved output overwritten (inside no-grad) before backward: backward must refuse, naming the op. */
    static ErrorCase staleOutput(String name, UnaryOperator<Tensor> f) {
        return when("its saved output written in place before backward", in -> {
            Tensor x = in[0].copy().requiresGrad(true), y = f.apply(x), loss = y.sum();
            try (var off = Grad.disabled()) {
                y.fill(0.5);
            }
            loss.backward();
            return loss;
        }, f64(2, 3)).fails(IllegalStateException.class, "backward:", "'" + name + "'", "modified in place",
                "version 0, now 1");
    }

    /** The op's input overwritten (inside no-grad) before backward; {@code saver} is the op that saved it. */
    static ErrorCase staleInput(String name, UnaryOperator<Tensor> f, String saver) {
        return when("its saved input written in place before backward (" + name + ")", in -> {
            Tensor x = in[0].copy().requiresGrad(true), loss = f.apply(x).sum();
            try (var off = Grad.disabled()) {
                x.fill(0.5);
            }
            loss.backward();
            return loss;
        }, f64(2, 3)).fails(IllegalStateException.class, "backward:", saver, "modified in place", "version 0, now 1");
    }

    /**
     * {@code to(F32)}: an F64 → F32 → F64 round trip. Values within 1e-6 of 0 keep F32's rounding of {@code x ± eps}
     * (about 1e-13) far below what central differences resolve, so the cast's gradient can be checked in F32.
     */
    private static OpSpec cast() {
        Domain tiny = Domain.range(-1e-6, 1e-6);
        return OpSpec.builder("to").fn(in -> in[0].to(DType.F32).to(DType.F64))
                .inputs(build(Samples.SMALL, (s, r) -> new Tensor[] {f64(s, tiny, r)}))
                .layoutInputs(build(Samples.layout(0, true), (s, r) -> new Tensor[] {f64(s, Domain.real(), r)}))
                .notApplicable(Check.BROADCAST, ONE_OPERAND)
                .notApplicable(Check.GRAD_GRAD, "the round trip's backward rounds the output gradient v to F32, which"
                        + " central differences in v (step 1e-6) cannot resolve; its first derivative is checked")
                .error(when("a backend that is not installed", in -> in[0].to(Device.named("nosuchbackend")), f64(2))
                        .fails(IllegalStateException.class, "device:", "no backend named 'nosuchbackend'"))
                .build();
    }

    // ---------------------------------------------------------------- binary

    private static OpSpec.Builder binaryBuilder(String name, Domain da, Domain db, BinaryOperator<Tensor> f) {
        return OpSpec.builder(name).fn(in -> f.apply(in[0], in[1]))
                .inputs(build(Samples.SMALL, (s, r) -> new Tensor[] {f64(s, da, r), f64(s, db, r)}))
                .layoutInputs(build(Samples.layout(0, true), (s, r) -> new Tensor[] {f64(s, da, r), f64(s, db, r)}))
                .broadcastInputs(Gen.zip(Gens.broadcastPair(3, 4), Gen.longs(), (p, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    return new Tensor[] {f64(p[0], da, r), f64(p[1], db, r)};
                }))
                .error(mismatch(name, f));
    }

    private static OpSpec binary(String name, Domain da, Domain db, BinaryOperator<Tensor> f) {
        return binaryBuilder(name, da, db, f).build();
    }

    /** Operands that do not broadcast: the message names the op and both shapes. */
    private static ErrorCase mismatch(String name, BinaryOperator<Tensor> f) {
        return when("shapes that do not broadcast", in -> f.apply(in[0], in[1]), f64(2, 3), f64(4))
                .rejects(name + ":", "[2, 3]", "[4]", "cannot broadcast");
    }

    /** maximum/minimum: the gradient check's operands differ by at least 0.1, so no element ties. */
    private static OpSpec extremum(String name, BinaryOperator<Tensor> f) {
        return binaryBuilder(name, Domain.real(), Domain.real(), f)
                .inputs(build(Samples.SMALL, (s, r) -> {
                    Tensor a = f64(s, Domain.real(), r);
                    return new Tensor[] {a, a.add(f64(s, Domain.awayFrom(-1, 1, 0.1, 0), r))};
                })).build();
    }

    /** Comparisons on small integers, so that ties (where lt and le, eq and ne part ways) are common. */
    private static OpSpec comparison(String name, BinaryOperator<Tensor> f) {
        String why = name + " returns a BOOL mask, which has no gradient";
        return OpSpec.builder(name).fn(in -> f.apply(in[0], in[1]))
                .inputs(build(Samples.SMALL, (s, r) -> new Tensor[] {Samples.integral(s, r), Samples.integral(s, r)}))
                .layoutInputs(build(Samples.layout(0, true), (s, r) -> new Tensor[] {Samples.integral(s, r), Samples.integral(s, r)}))
                .broadcastInputs(Gen.zip(Gens.broadcastPair(3, 4), Gen.longs(), (p, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    return new Tensor[] {Samples.integral(p[0], r), Samples.integral(p[1], r)};
                }))
                .notApplicable(Check.GRAD, why).notApplicable(Check.GRAD_GRAD, why)
                .error(mismatch(name, f)).build();
    }

    /** where(mask, a, b): the mask broadcasts too; it is BOOL, so the gradient check leaves it alone. */
    private static OpSpec where() {
        return OpSpec.builder("where").fn(in -> Tensor.where(in[0], in[1], in[2]))
                .inputs(build(Samples.SMALL, (s, r) -> new Tensor[] {Samples.mask(s, r), f64(s, Domain.real(), r),
                        f64(s, Domain.real(), r)}))
                .layoutInputs(build(Samples.layout(0, true), (s, r) -> new Tensor[] {Samples.mask(s, r),
                        f64(s, Domain.real(), r), f64(s, Domain.real(), r)}))
                .broadcastInputs(Gen.zip(Gens.broadcastPair(3, 4), Gen.longs(), (p, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    return new Tensor[] {Samples.mask(maskShape(p[0], r), r), f64(p[0], Domain.real(), r),
                            f64(p[1], Domain.real(), r)};
                }))
                .error(when("an F64 mask", in -> Tensor.where(in[0], in[1], in[2]), f64(2, 3), f64(2, 3), f64(2, 3))
                        .rejects("where:", "the mask must be BOOL", "tensor [2, 3] F64"))
                .error(when("operands that do not broadcast", in -> Tensor.where(in[0], in[1], in[2]),
                        f64(2, 3).gt(1), f64(2, 3), f64(4)).rejects("where:", "[2, 3]", "[4]", "cannot broadcast"))
                .build();
    }

    /** A shape that broadcasts to {@code s}: some leading dimensions dropped, some others set to 1. */
    private static int[] maskShape(int[] s, SplittableRandom r) {
        int drop = r.nextInt(s.length + 1);
        int[] out = Arrays.copyOfRange(s, drop, s.length);
        for (int d = 0; d < out.length; d++) if (r.nextBoolean()) out[d] = 1;
        return out;
    }
}
