package org.jgrad.nn;

import org.jgrad.Tensor;

/** {@link BatchNorm} of {@code [N, C, H, W]}. */
public final class BatchNorm2d extends BatchNorm {
    /** momentum 0.1, eps 1e-5, affine, tracking running statistics: PyTorch's defaults. */
    public BatchNorm2d(int channels) {
        this(channels, EPS, MOMENTUM, true, true);
    }

    public BatchNorm2d(int channels, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        super(channels, eps, momentum, affine, trackRunningStats);
    }

    @Override
    public Tensor forward(Tensor x) {
        checkRank(x, 4, 4, "[N, C, H, W]");
        return normalize(x);
    }
}
