package org.jgrad.nn;

import java.util.Arrays;
import org.jgrad.Functional;
import org.jgrad.Tensor;

/**
 * Normalises the trailing dimensions {@code shape} of x to mean 0 and (biased) variance 1, then scales by weight
 * and shifts by bias (both of {@code shape}, ones and zeros at first).
 */
public final class LayerNorm extends Layer {
    private final int[] shape;
    private final double eps;

    /** eps 1e-5, with weight and bias. */
    public LayerNorm(int... shape) {
        this(shape, 1e-5, true);
    }

    public LayerNorm(int[] shape, double eps, boolean affine) {
        if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d <= 0))
            throw new IllegalArgumentException("LayerNorm: the normalised shape must be non-empty and positive, got " + Arrays.toString(shape));
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm: eps must be positive, got " + eps);
        this.shape = shape.clone();
        this.eps = eps;
        if (affine) {
            registerParameter("weight", Tensor.ones(shape));
            registerParameter("bias", Tensor.zeros(shape));
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.layerNorm(x, shape, param("weight"), param("bias"), eps);
    }

    @Override
    protected String extraRepr() {
        return Arrays.toString(shape) + ", eps=" + eps + ", elementwise_affine=" + (param("weight") != null);
    }
}
