package org.jgrad.nn;

import org.jgrad.DType;
import org.jgrad.Functional;
import org.jgrad.Grad;
import org.jgrad.Tensor;

/**
 * Batch normalisation over every axis but the channels (axis 1), with PyTorch's semantics. In training it
 * normalises with the batch's mean and biased variance, and (when tracking) updates {@code running_mean} and
 * {@code running_var} as {@code r ← (1 − momentum)·r + momentum·batch} with the <em>unbiased</em> variance, and
 * counts the update in {@code num_batches_tracked} (I32, 0-d: PyTorch's is int64). In evaluation it normalises
 * with the running statistics; a layer that does not track them uses the batch's in both modes. Then
 * {@code y = x̂·weight + bias} when affine.
 */
public abstract sealed class BatchNorm extends Layer permits BatchNorm1d, BatchNorm2d, GhostBatchNorm {
    /** PyTorch's defaults. */
    public static final double MOMENTUM = 0.1, EPS = 1e-5;

    private final int features;
    private final double eps, momentum;

    BatchNorm(int features, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        if (features <= 0) throw new IllegalArgumentException(kind() + ": the number of features must be positive, got " + features);
        if (!(eps > 0)) throw new IllegalArgumentException(kind() + ": eps must be positive, got " + eps);
        if (!(momentum >= 0 && momentum <= 1))
            throw new IllegalArgumentException(kind() + ": momentum must be in [0, 1], got " + momentum);
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        if (affine) {
            registerParameter("weight", Tensor.ones(features));
            registerParameter("bias", Tensor.zeros(features));
        }
        if (trackRunningStats) {
            registerBuffer("running_mean", Tensor.zeros(features), true);
            registerBuffer("running_var", Tensor.ones(features), true);
            registerBuffer("num_batches_tracked", Tensor.scalar(DType.I32, 0), true);
        }
    }

    /** The scale γ, or null when not affine. */
    public final Tensor weight() {
        return param("weight");
    }

    /** The shift β, or null when not affine. */
    public final Tensor bias() {
        return param("bias");
    }

    /** The running mean, or null when the layer does not track statistics. */
    public final Tensor runningMean() {
        return buffer("running_mean");
    }

    /** The running (unbiased) variance, or null when the layer does not track statistics. */
    public final Tensor runningVar() {
        return buffer("running_var");
    }

    /** How many training batches updated the running statistics (I32, 0-d), or null when not tracking. */
    public final Tensor numBatchesTracked() {
        return buffer("num_batches_tracked");
    }

    /** One batch normalised as the class comment says; x is {@code [N, C, …]} with C the layer's features. */
    final Tensor normalize(Tensor x) {
        if (x.size(1) != features)
            throw new IllegalArgumentException(kind() + ": expected " + features + " channels in axis 1, got " + describe(x));
        Tensor count = numBatchesTracked();
        Tensor y = Functional.batchNorm(x, runningMean(), runningVar(), weight(), bias(), isTraining() || count == null,
                momentum, eps);
        if (isTraining() && count != null) {
            try (var off = Grad.disabled()) {
                count.addInPlace(Tensor.onesLike(count));      // after batchNorm, which validates x before updating
            }
        }
        return y;
    }

    /** Fails unless x has one of the ranks {@code lo..hi}, naming the shapes the layer takes. */
    final void checkRank(Tensor x, int lo, int hi, String expected) {
        if (x.rank() < lo || x.rank() > hi)
            throw new IllegalArgumentException(kind() + ": input must be " + expected + ", got " + describe(x));
    }

    @Override
    protected String extraRepr() {
        return features + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + (weight() != null)
                + ", track_running_stats=" + (runningMean() != null);
    }
}
