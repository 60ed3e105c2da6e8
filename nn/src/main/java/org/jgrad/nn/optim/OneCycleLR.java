package org.jgrad.nn.optim;

import java.util.List;

/**
 * The one-cycle policy, as {@code torch.optim.lr_scheduler.OneCycleLR}: the rate anneals from {@code maxLr/div}
 * up to {@code maxLr} over the first {@code pctStart} of {@code totalSteps}, then down to
 * {@code maxLr/div/finalDiv}; with {@code threePhase} it first returns to {@code maxLr/div} symmetrically. With
 * {@code cycleMomentum}, momentum ({@code momentum}, or Adam's {@code beta1}) moves inversely between
 * {@code maxMomentum} and {@code baseMomentum}. Step once per batch. At step {@code totalSteps} (reached by the
 * step after the last batch) the schedule holds its final values, where PyTorch extrapolates the last phase (a
 * linear one to a negative rate); stepping further fails.
 */
public final class OneCycleLR extends LrScheduler {
    /** How each phase moves between its end values. */
    public enum Anneal { COS, LINEAR }

    /** Ends of a phase as indices: rates into (initial, max, min), momenta into (max, base). */
    private record Phase(double endStep, int startLr, int endLr, int startMomentum, int endMomentum) {
    }

    private static final int INITIAL = 0, MAX = 1, MIN = 2, MOMENTUM_MAX = 0, MOMENTUM_BASE = 1;

    private final int totalSteps;
    private final Anneal anneal;
    private final List<Phase> phases;
    private final double[][] lrs;    // per group: initial, max, min
    private final String momentumName;
    private final double baseMomentum, maxMomentum;

    /** PyTorch's defaults: 30 % warm-up, cosine, momentum cycled between 0.85 and 0.95, div 25, final div 1e4. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(optimizer, new double[] {maxLr}, totalSteps, 0.3, Anneal.COS, true, 0.85, 0.95, 25, 1e4, false);
    }

    /** {@code maxLrs}: one per group, or one for all. */
    public OneCycleLR(Optimizer optimizer, double[] maxLrs, int totalSteps, double pctStart, Anneal anneal,
                      boolean cycleMomentum, double baseMomentum, double maxMomentum, double divFactor,
                      double finalDivFactor, boolean threePhase) {
        super(optimizer);
        int groups = optimizer.paramGroups().size();
        if (totalSteps < 1) throw new IllegalArgumentException("OneCycleLR: totalSteps must be ≥ 1, got " + totalSteps);
        if (!(pctStart >= 0 && pctStart <= 1))
            throw new IllegalArgumentException("OneCycleLR: pctStart must be in [0, 1], got " + pctStart);
        if (maxLrs.length != 1 && maxLrs.length != groups)
            throw new IllegalArgumentException("OneCycleLR: expected 1 or " + groups + " values of maxLr (one per"
                    + " group), got " + maxLrs.length);
        if (!(divFactor > 0) || !(finalDivFactor > 0))
            throw new IllegalArgumentException("OneCycleLR: divFactor and finalDivFactor must be > 0, got "
                    + divFactor + " and " + finalDivFactor);
        this.totalSteps = totalSteps;
        this.anneal = anneal;
        double warm = pctStart * totalSteps - 1;
        this.phases = threePhase
                ? List.of(new Phase(warm, INITIAL, MAX, MOMENTUM_MAX, MOMENTUM_BASE),
                        new Phase(2 * pctStart * totalSteps - 2, MAX, INITIAL, MOMENTUM_BASE, MOMENTUM_MAX),
                        new Phase(totalSteps - 1, INITIAL, MIN, MOMENTUM_MAX, MOMENTUM_MAX))
                : List.of(new Phase(warm, INITIAL, MAX, MOMENTUM_MAX, MOMENTUM_BASE),
                        new Phase(totalSteps - 1, MAX, MIN, MOMENTUM_BASE, MOMENTUM_MAX));
        this.lrs = new double[groups][];
        for (int g = 0; g < groups; g++) {
            double max = maxLrs[maxLrs.length == 1 ? 0 : g], initial = max / divFactor;
            lrs[g] = new double[] {initial, max, initial / finalDivFactor};
        }
        var options = optimizer.defaults().keySet();
        this.momentumName = !cycleMomentum ? null : options.contains("momentum") ? "momentum"
                : options.contains("beta1") ? "beta1" : null;
        if (cycleMomentum && momentumName == null)
            throw new IllegalArgumentException("OneCycleLR: cycleMomentum needs an optimizer with a momentum or"
                    + " beta1 option; " + optimizer.name() + " has " + options);
        this.baseMomentum = baseMomentum;
        this.maxMomentum = maxMomentum;
        start();
    }

    @Override
    int maxEpoch() {
        return totalSteps;
    }

    @Override
    double lr(int group, double baseLr, int epoch) {
        return along(epoch, lrs[group], false);
    }

    @Override
    void applyOthers(int epoch) {
        if (momentumName == null) return;
        double m = along(epoch, new double[] {maxMomentum, baseMomentum}, true);
        for (ParamGroup g : groups()) g.set(momentumName, m);
    }

    /** The scheduled rate ({@code values}: initial, max, min) or momentum ({@code values}: max, base) at a step. */
    private double along(int epoch, double[] values, boolean momentum) {
        int step = Math.min(epoch, totalSteps - 1);
        double start = 0;
        for (int i = 0; ; i++) {
            Phase p = phases.get(i);
            if (step <= p.endStep() || i == phases.size() - 1) {
                double pct = (step - start) / (p.endStep() - start);
                return momentum ? anneal(values[p.startMomentum()], values[p.endMomentum()], pct)
                        : anneal(values[p.startLr()], values[p.endLr()], pct);
            }
            start = p.endStep();
        }
    }

    private double anneal(double from, double to, double pct) {
        return switch (anneal) {
            case COS -> to + (from - to) / 2.0 * (Math.cos(Math.PI * pct) + 1);
            case LINEAR -> (to - from) * pct + from;
        };
    }
}
