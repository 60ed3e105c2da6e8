package org.jgrad.nn;

import org.jgrad.Tensor;

/** {@code x·sigmoid(x)} elementwise. */
public final class SiLU extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return x.silu();
    }
}
