package org.jgrad.nn.optim;

import java.util.List;
import java.util.Map;
import org.jgrad.Tensor;

/**
 * Stochastic gradient descent as {@code torch.optim.SGD} (1.13): with weight decay λ, momentum μ, dampening τ,
 * <pre>
 * g ← ∇ + λ·θ;   b ← g at the first step, else μ·b + (1 − τ)·g;   d ← g + μ·b (Nesterov) or b;   θ ← θ − lr·d
 * </pre>
 * (without momentum d = g). Options: {@code lr momentum dampening weight_decay nesterov}.
 */
public final class SGD extends Optimizer {
    /** Plain SGD: {@code θ ← θ − lr·∇}. */
    public SGD(List<Tensor> params, double lr) {
        this(params, lr, 0, 0, 0, false);
    }

    public SGD(List<Tensor> params, double lr, double momentum, double dampening, double weightDecay,
               boolean nesterov) {
        super("SGD", params, Options.of("lr", lr, "momentum", momentum, "dampening", dampening,
                "weight_decay", weightDecay, "nesterov", nesterov));
    }

    @Override
    void validate(Map<String, Double> o) {
        Options.nonNegative(this, o, "lr", "momentum", "weight_decay");
        Options.finite(this, o, "dampening");
        Options.flags(this, o, "nesterov");
        if (o.get("nesterov") != 0 && (o.get("momentum") <= 0 || o.get("dampening") != 0))
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got"
                    + " momentum " + o.get("momentum") + " and dampening " + o.get("dampening"));
    }

    @Override
    List<String> bufferNames(Map<String, Double> o) {
        return o.get("momentum") != 0 ? List.of("momentum_buffer") : List.of();
    }

    @Override
    boolean countsSteps() {
        return false;
    }

    @Override
    void update(ParamGroup group, Tensor p, Tensor grad, State s) {
        double lr = group.lr(), momentum = group.get("momentum"), wd = group.get("weight_decay");
        Tensor d = wd != 0 ? grad.add(p.mul(wd)) : grad;
        if (momentum != 0) {
            Tensor buf = s.buffers.get("momentum_buffer");
            if (buf == null) s.buffers.put("momentum_buffer", buf = d.copy());
            else buf.mulInPlace(momentum).addInPlace(d.mul(1 - group.get("dampening")));
            d = group.flag("nesterov") ? d.add(buf.mul(momentum)) : buf;
        }
        p.subInPlace(d.mul(lr));
    }
}
