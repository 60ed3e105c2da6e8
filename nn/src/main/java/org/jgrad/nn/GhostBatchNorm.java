package org.jgrad.nn;

import org.jgrad.Tensor;

/**
 * Ghost batch normalisation (Hoffer et al., 2017): in training, the batch {@code [N, C, …]} is cut along axis 0
 * into virtual batches of {@code virtualBatchSize} samples (the last one may be smaller), and each is normalised
 * with its own statistics, exactly as a {@link BatchNorm} would normalise it alone. The running statistics are
 * updated once per virtual batch, in order, with the usual momentum (so one call of N samples advances them and
 * {@code num_batches_tracked} by {@code ceil(N / virtualBatchSize)} steps), which is what applying a BatchNorm to
 * each virtual batch in turn does. Evaluation uses the running statistics, as BatchNorm's.
 */
public final class GhostBatchNorm extends BatchNorm {
    private final int virtualBatchSize;

    /** momentum 0.1, eps 1e-5, affine, tracking running statistics. */
    public GhostBatchNorm(int features, int virtualBatchSize) {
        this(features, virtualBatchSize, EPS, MOMENTUM, true, true);
    }

    public GhostBatchNorm(int features, int virtualBatchSize, double eps, double momentum, boolean affine,
            boolean trackRunningStats) {
        super(features, eps, momentum, affine, trackRunningStats);
        if (virtualBatchSize <= 0)
            throw new IllegalArgumentException("GhostBatchNorm: the virtual batch size must be positive, got " + virtualBatchSize);
        this.virtualBatchSize = virtualBatchSize;
    }

    public int virtualBatchSize() {
        return virtualBatchSize;
    }

    @Override
    public Tensor forward(Tensor x) {
        checkRank(x, 2, Integer.MAX_VALUE, "[N, C, …]");
        int n = x.size(0);
        if (!isTraining() || n <= virtualBatchSize) return normalize(x);
        // checked before the first virtual batch updates the running statistics, so an error changes nothing
        Tensor last = x.narrow(0, n - (n - 1) % virtualBatchSize - 1, (n - 1) % virtualBatchSize + 1);
        if (last.numel() <= last.size(1))    // one value per channel
            throw new IllegalArgumentException("GhostBatchNorm: the last virtual batch of " + describe(x) + " (virtual"
                    + " batch size " + virtualBatchSize + ") is " + describe(last) + ", one value per channel: batch"
                    + " statistics need more; choose a batch size that leaves at least two samples in it");
        Tensor[] parts = new Tensor[(n + virtualBatchSize - 1) / virtualBatchSize];
        for (int i = 0; i < parts.length; i++) {
            int start = i * virtualBatchSize;
            parts[i] = normalize(x.narrow(0, start, Math.min(virtualBatchSize, n - start)));
        }
        return Tensor.cat(0, parts);
    }

    @Override
    protected String extraRepr() {
        return super.extraRepr() + ", virtual_batch_size=" + virtualBatchSize;
    }
}
