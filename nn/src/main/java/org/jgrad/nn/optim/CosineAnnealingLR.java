package org.jgrad.nn.optim;

/**
 * {@code lr = η_min + (base − η_min) · (1 + cos(π · epoch / T_max)) / 2}, as
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR} (its closed form; past T_max the cosine rises again).
 */
public final class CosineAnnealingLR extends LrScheduler {
    private final int tMax;
    private final double etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        if (tMax < 1) throw new IllegalArgumentException("CosineAnnealingLR: tMax must be ≥ 1, got " + tMax);
        if (!(etaMin >= 0) || Double.isInfinite(etaMin))
            throw new IllegalArgumentException("CosineAnnealingLR: etaMin must be finite and ≥ 0, got " + etaMin);
        this.tMax = tMax;
        this.etaMin = etaMin;
        start();
    }

    public CosineAnnealingLR(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    @Override
    double lr(int group, double baseLr, int epoch) {
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }
}
