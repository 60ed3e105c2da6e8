package org.jgrad.nn.optim;

import java.util.List;

/**
 * Schedules one after another, as {@code torch.optim.lr_scheduler.SequentialLR}: before {@code milestones[0]} the
 * first, then from each milestone the next one, restarted at its own step 0 (a linear warm-up, then a cosine decay).
 * The schedules must drive this optimizer; they take their base rates from its groups' initial rates.
 */
public final class SequentialLR extends LrScheduler {
    private final List<LrScheduler> schedulers;
    private final int[] milestones;

    public SequentialLR(Optimizer optimizer, List<LrScheduler> schedulers, int[] milestones) {
        super(optimizer);
        if (schedulers.size() != milestones.length + 1)
            throw new IllegalArgumentException("SequentialLR: expected one schedule more than milestones, got "
                    + schedulers.size() + " schedules and " + milestones.length + " milestones");
        for (int i = 0; i < schedulers.size(); i++)
            if (schedulers.get(i).optimizer != optimizer)
                throw new IllegalArgumentException("SequentialLR: schedule " + i + " (" + schedulers.get(i).name()
                        + ") drives another optimizer");
        for (int i = 0; i < milestones.length; i++)
            if (milestones[i] < 1 || i > 0 && milestones[i] <= milestones[i - 1])
                throw new IllegalArgumentException("SequentialLR: milestones must be increasing and ≥ 1, got "
                        + java.util.Arrays.toString(milestones));
        this.schedulers = List.copyOf(schedulers);
        this.milestones = milestones.clone();
        start();
    }

    /** The schedule active at {@code epoch}. */
    private int phase(int epoch) {
        int i = 0;
        while (i < milestones.length && milestones[i] <= epoch) i++;
        return i;
    }

    /** {@code epoch} counted from the start of its schedule. */
    private int local(int epoch, int phase) {
        return phase == 0 ? epoch : epoch - milestones[phase - 1];
    }

    @Override
    int maxEpoch() {
        int last = schedulers.getLast().maxEpoch();
        return milestones.length == 0 || last == Integer.MAX_VALUE ? last : milestones[milestones.length - 1] + last;
    }

    @Override
    double lr(int group, double baseLr, int epoch) {
        int phase = phase(epoch);
        LrScheduler s = schedulers.get(phase);
        return s.lr(group, s.baseLr(group), local(epoch, phase));
    }

    @Override
    void applyOthers(int epoch) {
        int phase = phase(epoch);
        schedulers.get(phase).applyOthers(local(epoch, phase));
    }
}
