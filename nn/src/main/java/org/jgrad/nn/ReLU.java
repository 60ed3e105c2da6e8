package org.jgrad.nn;

import org.jgrad.Tensor;

/** {@code max(x, 0)} elementwise. */
public final class ReLU extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
