package org.jgrad.nn.optim;

import java.util.Arrays;

/**
 * {@code lr = base · γ^k}, k the number of milestones ≤ epoch (a repeated milestone counts each time), as
 * {@code torch.optim.lr_scheduler.MultiStepLR}.
 */
public final class MultiStepLR extends LrScheduler {
    private final int[] milestones;
    private final double gamma;

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super(optimizer);
        if (!Double.isFinite(gamma))
            throw new IllegalArgumentException("MultiStepLR: gamma must be finite, got " + gamma);
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        this.gamma = gamma;
        start();
    }

    @Override
    double lr(int group, double baseLr, int epoch) {
        int passed = 0;
        while (passed < milestones.length && milestones[passed] <= epoch) passed++;
        return baseLr * Math.pow(gamma, passed);
    }
}
