package org.jgrad.nn.optim;

/** {@code lr = base · γ^⌊epoch / stepSize⌋}, as {@code torch.optim.lr_scheduler.StepLR}. */
public final class StepLR extends LrScheduler {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize < 1) throw new IllegalArgumentException("StepLR: stepSize must be ≥ 1, got " + stepSize);
        if (!Double.isFinite(gamma)) throw new IllegalArgumentException("StepLR: gamma must be finite, got " + gamma);
        this.stepSize = stepSize;
        this.gamma = gamma;
        start();
    }

    @Override
    double lr(int group, double baseLr, int epoch) {
        return baseLr * Math.pow(gamma, epoch / stepSize);
    }
}
