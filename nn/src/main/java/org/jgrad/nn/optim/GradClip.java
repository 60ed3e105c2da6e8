package org.jgrad.nn.optim;

import java.util.List;
import org.jgrad.DType;
import org.jgrad.Grad;
import org.jgrad.Tensor;

/**
 * Gradient clipping as {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}. The clipped gradient
 * replaces {@code grad} instead of being written into it, because a gradient may share storage with another
 * parameter's gradient (backward hands the same tensor to both operands of an add); scaling it in place would
 * scale the other one twice.
 */
public final class GradClip {
    private GradClip() {
    }

    /**
     * Scales all gradients by {@code min(1, maxNorm / (‖g‖ + 1e-6))}, where ‖g‖ is the {@code normType}-norm of all
     * gradients together (as one vector; {@code Double.POSITIVE_INFINITY} for the largest magnitude), and returns
     * that total norm as a 0-d tensor on the gradients' device, so that nothing waits for the device. Parameters
     * without a gradient are skipped; with none, the norm is 0.
     */
    public static Tensor clipGradNorm(List<Tensor> params, double maxNorm, double normType) {
        if (!(normType > 0))
            throw new IllegalArgumentException("clipGradNorm: normType must be > 0 or infinity, got " + normType);
        if (!(maxNorm >= 0))
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be ≥ 0, got " + maxNorm);
        try (var off = Grad.disabled()) {
            Tensor total = null;
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                Tensor part = normType == Double.POSITIVE_INFINITY ? g.abs().max()
                        : normType == 1 ? g.abs().sum()
                        : normType == 2 ? g.square().sum()
                        : g.abs().pow(normType).sum();
                total = total == null ? part : normType == Double.POSITIVE_INFINITY ? total.maximum(part) : total.add(part);
            }
            if (total == null) return Tensor.scalar(DType.F32, 0);
            if (normType == 2) total = total.sqrt();
            else if (normType != 1 && normType != Double.POSITIVE_INFINITY) total = total.pow(1 / normType);
            Tensor coef = total.add(1e-6).reciprocal().mul(maxNorm).minimum(1.0);
            for (Tensor p : params)
                if (p.grad() != null) p.setGrad(p.grad().mul(coef));
            return total;
        }
    }

    /** {@link #clipGradNorm(List, double, double)} with the Euclidean norm. */
    public static Tensor clipGradNorm(List<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2);
    }

    /** Clamps every gradient element into {@code [−clipValue, clipValue]}. */
    public static void clipGradValue(List<Tensor> params, double clipValue) {
        if (!(clipValue >= 0))
            throw new IllegalArgumentException("clipGradValue: clipValue must be ≥ 0, got " + clipValue);
        try (var off = Grad.disabled()) {
            for (Tensor p : params)
                if (p.grad() != null) p.setGrad(p.grad().clamp(-clipValue, clipValue));
        }
    }
}
