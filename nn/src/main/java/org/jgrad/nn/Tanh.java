package org.jgrad.nn;

import org.jgrad.Tensor;

/** {@code tanh(x)} elementwise. */
public final class Tanh extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
