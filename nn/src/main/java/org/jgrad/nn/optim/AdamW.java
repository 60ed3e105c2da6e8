package org.jgrad.nn.optim;

import java.util.List;
import org.jgrad.Tensor;

/**
 * AdamW as {@code torch.optim.AdamW} (1.13): {@link Adam} with the weight decay decoupled from the gradient,
 * {@code θ ← θ·(1 − lr·λ)} before the moment update, and a default λ of 0.01.
 */
public final class AdamW extends Adam {
    /** AdamW with PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, weight decay 0.01. */
    public AdamW(List<Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 1e-2, false);
    }

    public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay,
                 boolean amsgrad) {
        super("AdamW", true, params, lr, beta1, beta2, eps, weightDecay, amsgrad);
    }
}
