package org.jgrad.nn;

import org.jgrad.Functional;
import org.jgrad.Rng;
import org.jgrad.Tensor;

/** A lookup table: I32 indices of any shape pick rows of weight {@code [num, dim]}, initialised N(0, 1) as PyTorch. */
public final class Embedding extends Layer {
    private final int num, dim;

    /** Initialised from the default stream ({@link Init#defaultRng()}). */
    public Embedding(int num, int dim) {
        this(num, dim, Init.defaultRng());
    }

    public Embedding(int num, int dim, Rng rng) {
        if (num <= 0 || dim <= 0) throw new IllegalArgumentException("Embedding: sizes must be positive, got " + num + ", " + dim);
        this.num = num;
        this.dim = dim;
        Init.normal(registerParameter("weight", Tensor.zeros(num, dim)), 0, 1, rng);
    }

    public Tensor weight() {
        return param("weight");
    }

    @Override
    public Tensor forward(Tensor indices) {
        return Functional.embedding(indices, weight());
    }

    @Override
    protected String extraRepr() {
        return num + ", " + dim;
    }
}
