package org.jgrad.nn;

import org.jgrad.Functional;
import org.jgrad.Rng;
import org.jgrad.Tensor;

/** {@code y = x · Wᵀ + b} over the last dimension of x, weight {@code [out, in]}, bias {@code [out]}. */
public final class Linear extends Layer {
    private final int in, out;

    /** With bias, initialised from the default stream ({@link Init#defaultRng()}). */
    public Linear(int in, int out) {
        this(in, out, true, Init.defaultRng());
    }

    /** With bias, initialised from {@code rng}. */
    public Linear(int in, int out, Rng rng) {
        this(in, out, true, rng);
    }

    /** Weight and (if {@code bias}) bias F32, initialised as PyTorch's default ({@link Init}) from {@code rng}. */
    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in < 0 || out < 0) throw new IllegalArgumentException("Linear: feature counts must be >= 0, got " + in + ", " + out);
        this.in = in;
        this.out = out;
        Tensor w = registerParameter("weight", Tensor.zeros(out, in));
        Tensor b = bias ? registerParameter("bias", Tensor.zeros(out)) : null;
        Init.defaultLinear(w, b, rng);
    }

    public Tensor weight() {
        return param("weight");
    }

    /** The bias, or null when built without one. */
    public Tensor bias() {
        return param("bias");
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.linear(x, weight(), bias());
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + in + ", out_features=" + out + ", bias=" + (bias() != null);
    }
}
