package org.jgrad.nn;

import org.jgrad.Tensor;

/** {@code exp(x) / Σ exp(x)} along dimension {@code dim} (negative counts from the end). */
public final class Softmax extends Layer {
    private final int dim;

    public Softmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.softmax(dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
