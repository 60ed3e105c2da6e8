package org.jgrad;

import org.jgrad.spi.BinaryOp;
import org.jgrad.spi.UnaryOp;

/** Unary, binary and select ops: forward through one kernel, backward rules in Tensor ops beside it. */
final class Elementwise {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private Elementwise() {
    }

    static Tensor unary(UnaryOp op, Tensor x) {
        String name = name(op);
        if (!x.dtype().isFloating() && transcendental(op)) x = x.to(DType.F32);
        if (x.dtype() == DType.BOOL) throw Errors.arg(name, "not defined for BOOL " + Errors.describe(x));
        Tensor out = Factories.empty(x.device, x.dtype(), x.layout.shape());
        x.device.backend().unary(op, x.view(), out.view());
        Tensor in = x, y = out;
        Tensor[] saved = switch (op) {
            case NEG, SIGN -> new Tensor[0];
            case EXP, SQRT, TANH, SIGMOID, RELU -> new Tensor[] {y};
            case LOG, ABS, SIN, COS, ERF -> new Tensor[] {in};
        };
        return Autograd.record(name, out, new Tensor[] {x}, saved, g -> new Tensor[] {switch (op) {
            case NEG -> g.neg();
            case EXP -> g.mul(y);
            case LOG -> g.div(in);
            case SQRT -> g.div(y.mul(2));
            case ABS -> g.mul(in.sign());
            case SIGN -> null;
            case TANH -> Fused.activationGrad(Activation.TANH, g, y);
            case SIGMOID -> Fused.activationGrad(Activation.SIGMOID, g, y);
            case RELU -> Fused.activationGrad(Activation.RELU, g, y);
            case SIN -> g.mul(in.cos());
            case COS -> g.mul(in.sin().neg());
            case ERF -> g.mul(in.square().neg().exp().mul(TWO_OVER_SQRT_PI));     // d erf/dx = 2/√π · e^(−x²)
        }});
    }

    private static boolean transcendental(UnaryOp op) {
        return switch (op) {
            case EXP, LOG, SQRT, TANH, SIGMOID, SIN, COS, ERF -> true;
            case NEG, ABS, SIGN, RELU -> false;
        };
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = name(op);
        sameDevice(name, a, b);
        DType t = DType.promote(a.dtype(), b.dtype());
        if ((op == BinaryOp.DIV || op == BinaryOp.POW) && !t.isFloating()) t = DType.F32;
        if (t == DType.BOOL && !op.isComparison() && op != BinaryOp.MAX && op != BinaryOp.MIN) t = DType.I32;
        int[] shape = Views.broadcastShapes(name, a.layout.shape(), b.layout.shape());
        Tensor x = a.to(t).expand(shape), y = b.to(t).expand(shape);
        Tensor out = Factories.empty(a.device, op.isComparison() ? DType.BOOL : t, shape);
        a.device.backend().binary(op, x.view(), y.view(), out.view());
        if (op.isComparison()) return out;
        Tensor z = out;
        Tensor[] saved = switch (op) {
            case ADD, SUB -> new Tensor[0];
            case MUL, DIV, MAX, MIN -> new Tensor[] {x, y};
            case POW -> new Tensor[] {x, y, z};
            case LT, LE, GT, GE, EQ, NE -> throw new AssertionError(op);
        };
        return Autograd.record(name, out, new Tensor[] {x, y}, saved, g -> switch (op) {
            case ADD -> grads(g, g);
            case SUB -> grads(g, g.neg());
            case MUL -> grads(g.mul(y), g.mul(x));
            case DIV -> grads(g.div(y), x.requiresGrad() || y.requiresGrad() ? g.neg().mul(x).div(y.square()) : null);
            // d(a^b)/da = b·a^(b−1); d(a^b)/db = a^b·ln a, formed only when b needs it (ln a is NaN for a < 0)
            case POW -> grads(g.mul(y).mul(x.pow(y.sub(1))), y.requiresGrad() ? g.mul(z).mul(x.log()) : null);
            // ties split the gradient evenly between the operands, as PyTorch does
            case MAX -> grads(g.mul(share(x.gt(y), x.eq(y), g)), g.mul(share(y.gt(x), x.eq(y), g)));
            case MIN -> grads(g.mul(share(x.lt(y), x.eq(y), g)), g.mul(share(y.lt(x), x.eq(y), g)));
            case LT, LE, GT, GE, EQ, NE -> throw new AssertionError(op);
        });
    }

    /** 1 where the operand wins, ½ where it ties. */
    private static Tensor share(Tensor wins, Tensor ties, Tensor g) {
        return wins.to(g.dtype()).add(ties.to(g.dtype()).mul(0.5));
    }

    static Tensor where(Tensor mask, Tensor a, Tensor b) {
        sameDevice("where", mask, a);
        sameDevice("where", a, b);
        if (mask.dtype() != DType.BOOL)
            throw Errors.arg("where", "the mask must be BOOL, got " + Errors.describe(mask) + " (compare with gt, eq, … to make one)");
        DType t = DType.promote(a.dtype(), b.dtype());
        int[] shape = Views.broadcastShapes("where", Views.broadcastShapes("where", mask.layout.shape(), a.layout.shape()),
                b.layout.shape());
        Tensor m = mask.expand(shape), x = a.to(t).expand(shape), y = b.to(t).expand(shape);
        Tensor out = Factories.empty(a.device, t, shape);
        a.device.backend().where(m.view(), x.view(), y.view(), out.view());
        return Autograd.record("where", out, new Tensor[] {x, y}, new Tensor[] {m}, g -> {
            Tensor zero = g.like(0);
            return grads(Tensor.where(m, g, zero), Tensor.where(m, zero, g));
        });
    }

    static Tensor cast(Tensor x, DType dtype) {
        if (x.dtype() == dtype) return x;
        Tensor out = Factories.empty(x.device, dtype, x.layout.shape());
        x.device.backend().copy(x.view(), out.view());
        return Autograd.record("to", out, new Tensor[] {x}, new Tensor[0], g -> grads(g.to(x.dtype())));
    }

    static void sameDevice(String op, Tensor a, Tensor b) {
        if (a.device != b.device)
            throw Errors.arg(op, "operands are on different devices: " + Errors.describe(a) + " on " + a.device
                    + " and " + Errors.describe(b) + " on " + b.device + "; move one with to(Device)");
    }

    static Tensor[] grads(Tensor... g) {
        return g;
    }

    static String name(UnaryOp op) {
        return op.name().toLowerCase();
    }

    static String name(BinaryOp op) {
        return switch (op) {
            case MAX -> "maximum";
            case MIN -> "minimum";
            case ADD, SUB, MUL, DIV, POW, LT, LE, GT, GE, EQ, NE -> op.name().toLowerCase();
        };
    }
}
