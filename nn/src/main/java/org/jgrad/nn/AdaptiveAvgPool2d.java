package org.jgrad.nn;

import org.jgrad.Tensor;

/**
 * Average pooling of {@code [N, C, H, W]} to a fixed {@code [N, C, outH, outW]}, PyTorch's bins: output row i
 * averages input rows {@code floor(i·H/outH)} to {@code ceil((i+1)·H/outH) − 1} (bins may overlap when outH does
 * not divide H), and likewise for columns.
 */
public final class AdaptiveAvgPool2d extends Layer {
    private final int outH, outW;

    /** A square {@code size × size} output; {@code new AdaptiveAvgPool2d(1)} is global average pooling. */
    public AdaptiveAvgPool2d(int size) {
        this(size, size);
    }

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH <= 0 || outW <= 0)
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got " + outH + "×" + outW);
        this.outH = outH;
        this.outW = outW;
    }

    /** {@code A_h · x · A_wᵀ}, where row i of {@code A [out, in]} averages bin i: one matmul per axis for any sizes. */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4)
            throw new IllegalArgumentException("AdaptiveAvgPool2d: input must be [N, C, H, W], got " + describe(x));
        Tensor rows = bins(outH, x.size(2), x), cols = bins(outW, x.size(3), x);
        return rows.matmul(x).matmul(cols.mT());
    }

    /** The {@code [out, in]} averaging matrix of PyTorch's adaptive bins, in x's dtype and on its device. */
    private static Tensor bins(int out, int in, Tensor x) {
        if (in == 0) throw new IllegalArgumentException("AdaptiveAvgPool2d: cannot pool an empty dimension of " + describe(x));
        double[] a = new double[out * in];
        for (int i = 0; i < out; i++) {
            int start = (int) ((long) i * in / out), end = (int) (((long) (i + 1) * in + out - 1) / out);
            for (int j = start; j < end; j++) a[i * in + j] = 1.0 / (end - start);
        }
        return Tensor.of(a, out, in).to(x.dtype()).to(x.device());
    }

    @Override
    protected String extraRepr() {
        return "output_size=[" + outH + ", " + outW + "]";
    }
}
