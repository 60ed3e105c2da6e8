package org.jgrad.nn;

import org.jgrad.Tensor;

/** {@code x > 0 ? x : slope·x} elementwise. */
public final class LeakyReLU extends Layer {
    private final double slope;

    /** Slope 0.01, PyTorch's default. */
    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double slope) {
        this.slope = slope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(slope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + slope;
    }
}
