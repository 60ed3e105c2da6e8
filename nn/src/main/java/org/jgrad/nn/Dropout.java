package org.jgrad.nn;

import org.jgrad.Functional;
import org.jgrad.Rng;
import org.jgrad.Tensor;

/**
 * Inverted dropout: in training each element is zeroed with probability p and the rest scaled by {@code 1/(1−p)};
 * in evaluation the identity. Each training forward draws its mask from the layer's Rng, so a seed reproduces the
 * sequence of masks on every backend.
 */
public final class Dropout extends Layer {
    private final double p;
    private final Rng rng;

    /** Masks drawn from the default stream ({@link Init#defaultRng()}). */
    public Dropout(double p) {
        this(p, Init.defaultRng());
    }

    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: probability must be in [0, 1], got " + p);
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.dropout(x, p, isTraining(), rng);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
