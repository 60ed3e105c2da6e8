package org.jgrad.nn;

import org.jgrad.Tensor;

/** Exact GELU, {@code x·Φ(x)} elementwise. */
public final class GELU extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return x.gelu();
    }
}
