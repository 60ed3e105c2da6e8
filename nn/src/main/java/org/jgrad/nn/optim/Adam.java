package org.jgrad.nn.optim;

import java.util.List;
import java.util.Map;
import org.jgrad.Tensor;

/**
 * Adam as {@code torch.optim.Adam} (1.13), at step t with weight decay λ:
 * <pre>
 * g ← ∇ + λ·θ;   m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²;   v̂ ← max(v̂, v) with AMSGrad, else v
 * θ ← θ − lr/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 * </pre>
 * Options: {@code lr beta1 beta2 eps weight_decay amsgrad}; state {@code exp_avg exp_avg_sq max_exp_avg_sq step}.
 * {@link AdamW} decouples the weight decay.
 */
public sealed class Adam extends Optimizer permits AdamW {
    private final boolean decoupled;

    /** Adam with PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, no weight decay. */
    public Adam(List<Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0, false);
    }

    public Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay,
                boolean amsgrad) {
        this("Adam", false, params, lr, beta1, beta2, eps, weightDecay, amsgrad);
    }

    Adam(String name, boolean decoupled, List<Tensor> params, double lr, double beta1, double beta2, double eps,
         double weightDecay, boolean amsgrad) {
        super(name, params, Options.of("lr", lr, "beta1", beta1, "beta2", beta2, "eps", eps,
                "weight_decay", weightDecay, "amsgrad", amsgrad));
        this.decoupled = decoupled;
    }

    @Override
    final void validate(Map<String, Double> o) {
        Options.nonNegative(this, o, "lr", "eps", "weight_decay");
        Options.unitInterval(this, o, "beta1", "beta2");
        Options.flags(this, o, "amsgrad");
    }

    @Override
    final List<String> bufferNames(Map<String, Double> o) {
        return o.get("amsgrad") != 0 ? List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
                : List.of("exp_avg", "exp_avg_sq");
    }

    @Override
    final boolean countsSteps() {
        return true;
    }

    @Override
    final void update(ParamGroup group, Tensor p, Tensor grad, State s) {
        double lr = group.lr(), b1 = group.get("beta1"), b2 = group.get("beta2"), wd = group.get("weight_decay");
        if (wd != 0) {
            if (decoupled) p.mulInPlace(1 - lr * wd);
            else grad = grad.add(p.mul(wd));
        }
        Tensor m = s.zeros("exp_avg", p), v = s.zeros("exp_avg_sq", p);
        m.mulInPlace(b1).addInPlace(grad.mul(1 - b1));
        v.mulInPlace(b2).addInPlace(grad.mul(1 - b2).mul(grad));    // PyTorch's addcmul order: (c·g)·g
        Tensor second = v;
        if (group.flag("amsgrad")) {
            second = s.zeros("max_exp_avg_sq", p);
            second.copyFrom(second.maximum(v));
        }
        double stepSize = lr / (1 - Math.pow(b1, s.step));
        Tensor denom = second.sqrt().div(Math.sqrt(1 - Math.pow(b2, s.step))).add(group.get("eps"));
        p.subInPlace(m.div(denom).mul(stepSize));
    }
}
