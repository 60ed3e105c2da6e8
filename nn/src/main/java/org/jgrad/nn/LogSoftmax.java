package org.jgrad.nn;

import org.jgrad.Tensor;

/** {@code x − log Σ exp(x)} along dimension {@code dim} (negative counts from the end). */
public final class LogSoftmax extends Layer {
    private final int dim;

    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.logSoftmax(dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
