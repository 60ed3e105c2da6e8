package org.jgrad.nn;

import org.jgrad.Tensor;

/** Dimensions {@code start..end} (inclusive, negative counts from the end) merged into one; by default all but the batch. */
public final class Flatten extends Layer {
    private final int start, end;

    /** {@code [N, …] → [N, ∏…]}. */
    public Flatten() {
        this(1, -1);
    }

    public Flatten(int start, int end) {
        this.start = start;
        this.end = end;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(start, end);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + start + ", end_dim=" + end;
    }
}
