package org.jgrad.nn;

import org.jgrad.Tensor;

/** {@link BatchNorm} of {@code [N, C]} or {@code [N, C, L]}. */
public final class BatchNorm1d extends BatchNorm {
    /** momentum 0.1, eps 1e-5, affine, tracking running statistics: PyTorch's defaults. */
    public BatchNorm1d(int features) {
        this(features, EPS, MOMENTUM, true, true);
    }

    public BatchNorm1d(int features, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        super(features, eps, momentum, affine, trackRunningStats);
    }

    @Override
    public Tensor forward(Tensor x) {
        checkRank(x, 2, 3, "[N, C] or [N, C, L]");
        return normalize(x);
    }
}
