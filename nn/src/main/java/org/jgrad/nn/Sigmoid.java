package org.jgrad.nn;

import org.jgrad.Tensor;

/** {@code 1 / (1 + e^(−x))} elementwise. */
public final class Sigmoid extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
