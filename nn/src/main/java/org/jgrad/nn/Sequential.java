package org.jgrad.nn;

import java.util.ArrayList;
import java.util.List;
import org.jgrad.Tensor;

/** Layers applied one after another; child i is named {@code "i"}, so its weight is {@code "i.weight"}. */
public final class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential(Layer... layers) {
        for (Layer l : layers) add(l);
    }

    /** Appends {@code layer} as the next child; returns this. */
    public Sequential add(Layer layer) {
        layers.add(registerChild(Integer.toString(layers.size()), layer));
        return this;
    }

    /** Child {@code i}. */
    public Layer get(int i) {
        if (i < 0 || i >= layers.size())
            throw new IndexOutOfBoundsException("Sequential: no layer " + i + " among " + layers.size());
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Layer l : layers) x = l.forward(x);
        return x;
    }
}
