package org.jgrad;

import java.util.Arrays;
import org.jgrad.spi.UnaryOp;

/**
 * Ops a backend may run as one fused kernel. Each has a composite definition in plain Tensor ops; when the backend
 * has no fused kernel (the reference backend never has), the composite runs. The fused path records one node whose
 * backward is written in Tensor ops, so higher-order gradients still work.
 */
final class Fused {
    private Fused() {
    }

    /** softmax or log-softmax along {@code axis}: fused along the last dimension (other axes are transposed there). */
    static Tensor softmax(Tensor x, int axis, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        int a = Errors.axis(op, axis, x.rank());
        int last = x.rank() - 1;
        Tensor xl = a == last ? x : x.transpose(a, last);
        if (!x.dtype().isFloating() || x.numel() == 0 || !x.device.backend().hasFusedKernels())
            return log ? logSoftmaxComposite(x, a) : softmaxComposite(x, a);
        Tensor out = Factories.empty(x.device, x.dtype(), xl.layout.shape());
        if (!x.device.backend().softmax(xl.view(), out.view(), log))
            return log ? logSoftmaxComposite(x, a) : softmaxComposite(x, a);
        Tensor y = out;
        int[] lastAxis = {last};
        Tensor r = Autograd.record(op, out, new Tensor[] {xl}, new Tensor[] {y}, g -> new Tensor[] {log
                ? g.sub(y.exp().mul(g.sum(lastAxis, true)))           // d log softmax: g − softmax · Σg
                : y.mul(g.sub(g.mul(y).sum(lastAxis, true)))});      // d softmax: y · (g − Σ g·y)
        return a == last ? r : r.transpose(a, last);
    }

    /** {@code exp(x − max) / Σ exp(x − max)}: the definition of softmax. */
    static Tensor softmaxComposite(Tensor x, int axis) {
        try (var scope = Autograd.composite("softmax")) {
            int[] a = {axis};
            // an empty axis has no maximum to shift by; the result is empty anyway
            Tensor m = x.size(axis) == 0 ? Tensor.zerosLike(x.detach().sum(a, true)) : x.detach().max(a, true);
            Tensor e = x.sub(m).exp();
            return e.div(e.sum(a, true));
        }
    }

    /** {@code x − logsumexp(x)}: the definition of log-softmax. */
    static Tensor logSoftmaxComposite(Tensor x, int axis) {
        try (var scope = Autograd.composite("logSoftmax")) {
            return x.sub(x.logsumexp(new int[] {axis}, true));
        }
    }

    /** {@code act(y + bias)} with bias {@code [C]} along {@code axis} of y. */
    static Tensor biasActivation(Tensor y, Tensor bias, int axis, Activation act) {
        int a = Errors.axis("biasActivation", axis, y.rank());
        if (bias.rank() != 1 || bias.size(0) != y.size(a))
            throw Errors.arg("biasActivation", "bias " + Errors.describe(bias) + " does not match dimension " + a
                    + " of " + Errors.describe(y) + ": expected [" + y.size(a) + "]");
        Elementwise.sameDevice("biasActivation", y, bias);
        int[] bshape = new int[y.rank()];
        Arrays.fill(bshape, 1);
        bshape[a] = y.size(a);
        if (y.dtype() != bias.dtype() || !y.dtype().isFloating() || y.numel() == 0 || !y.device.backend().hasFusedKernels())
            return act.apply(y.add(bias.reshape(bshape)));
        Tensor b = bias.detach().reshape(bshape).expand(y.layout.shape());
        Tensor out = Factories.empty(y.device, y.dtype(), y.layout.shape());
        if (!y.device.backend().biasActivation(y.view(), b.view(), unary(act), out.view()))
            return act.apply(y.add(bias.reshape(bshape)));
        Tensor z = out;
        return Autograd.record("biasActivation", out, new Tensor[] {y, bias}, new Tensor[] {z}, g -> {
            Tensor ga = activationGrad(act, g, z);
            return new Tensor[] {ga, ga.sumTo(bshape).reshape(bshape[a])};
        });
    }

    /**
     * {@code g · act'(x)} from the activation's output {@code y}: the backward of an activation as one kernel where the
     * backend has it ({@link Activation#backward} is the definition). Recorded so that its own gradient runs fused
     * too: in g it is itself (it is linear in g), in y it is {@code h·g·(act')'(y)}: 0 for ReLU, {@code 1 − 2y} for
     * sigmoid, {@code −2y} for tanh, as autograd derives it from the composite.
     */
    static Tensor activationGrad(Activation act, Tensor g, Tensor y) {
        if (act == Activation.NONE) return g;
        if (g.dtype() != y.dtype() || !g.dtype().isFloating() || g.numel() == 0 || g.device != y.device
                || !Arrays.equals(g.layout.shape(), y.layout.shape()) || !g.device.backend().hasFusedKernels())
            return act.backward(g, y);
        Tensor out = Factories.empty(g.device, g.dtype(), g.layout.shape());
        if (!g.device.backend().activationGrad(unary(act), g.view(), y.view(), out.view())) return act.backward(g, y);
        return Autograd.record("activationGrad", out, new Tensor[] {g, y}, new Tensor[] {g, y}, h -> new Tensor[] {
                g.requiresGrad() ? activationGrad(act, h, y) : null,
                !y.requiresGrad() || act == Activation.RELU ? null : switch (act) {
                    case SIGMOID -> h.mul(g).mul(y.mul(-2).add(1));
                    case TANH -> h.mul(g).mul(y.mul(-2));
                    case NONE, RELU -> throw new AssertionError(act);
                }});
    }

    private static UnaryOp unary(Activation act) {
        return switch (act) {
            case NONE -> null;
            case RELU -> UnaryOp.RELU;
            case SIGMOID -> UnaryOp.SIGMOID;
            case TANH -> UnaryOp.TANH;
        };
    }
}
