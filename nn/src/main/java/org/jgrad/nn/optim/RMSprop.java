package org.jgrad.nn.optim;

import java.util.List;
import java.util.Map;
import org.jgrad.Tensor;

/**
 * RMSprop as {@code torch.optim.RMSprop} (1.13), with smoothing α, weight decay λ and momentum μ:
 * <pre>
 * g ← ∇ + λ·θ;   v ← α·v + (1 − α)·g²;   centered: ḡ ← α·ḡ + (1 − α)·g, a ← √(v − ḡ²) + ε, else a ← √v + ε
 * μ &gt; 0: b ← μ·b + g/a, θ ← θ − lr·b;   else θ ← θ − lr·g/a
 * </pre>
 * Options: {@code lr alpha eps weight_decay momentum centered}; state {@code square_avg momentum_buffer grad_avg step}.
 */
public final class RMSprop extends Optimizer {
    /** RMSprop with PyTorch's defaults: α = 0.99, ε = 1e-8, no weight decay or momentum, not centered. */
    public RMSprop(List<Tensor> params, double lr) {
        this(params, lr, 0.99, 1e-8, 0, 0, false);
    }

    public RMSprop(List<Tensor> params, double lr, double alpha, double eps, double weightDecay, double momentum,
                   boolean centered) {
        super("RMSprop", params, Options.of("lr", lr, "alpha", alpha, "eps", eps, "weight_decay", weightDecay,
                "momentum", momentum, "centered", centered));
    }

    @Override
    void validate(Map<String, Double> o) {
        Options.nonNegative(this, o, "lr", "alpha", "eps", "weight_decay", "momentum");
        Options.flags(this, o, "centered");
    }

    @Override
    List<String> bufferNames(Map<String, Double> o) {
        boolean momentum = o.get("momentum") > 0, centered = o.get("centered") != 0;
        return momentum && centered ? List.of("square_avg", "momentum_buffer", "grad_avg")
                : momentum ? List.of("square_avg", "momentum_buffer")
                : centered ? List.of("square_avg", "grad_avg")
                : List.of("square_avg");
    }

    @Override
    boolean countsSteps() {
        return true;
    }

    @Override
    void update(ParamGroup group, Tensor p, Tensor grad, State s) {
        double lr = group.lr(), alpha = group.get("alpha"), wd = group.get("weight_decay");
        double momentum = group.get("momentum");
        if (wd != 0) grad = grad.add(p.mul(wd));
        Tensor v = s.zeros("square_avg", p);
        v.mulInPlace(alpha).addInPlace(grad.mul(1 - alpha).mul(grad));    // PyTorch's addcmul order: (c·g)·g
        Tensor avg;
        if (group.flag("centered")) {
            Tensor gAvg = s.zeros("grad_avg", p);
            gAvg.mulInPlace(alpha).addInPlace(grad.mul(1 - alpha));
            avg = v.sub(gAvg.mul(gAvg)).sqrt();
        } else {
            avg = v.sqrt();
        }
        avg = avg.add(group.get("eps"));
        if (momentum > 0) {
            Tensor buf = s.zeros("momentum_buffer", p);
            buf.mulInPlace(momentum).addInPlace(grad.div(avg));
            p.subInPlace(buf.mul(lr));
        } else {
            p.subInPlace(grad.div(avg).mul(lr));
        }
    }
}
