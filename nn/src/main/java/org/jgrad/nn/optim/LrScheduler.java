package org.jgrad.nn.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jgrad.DType;
import org.jgrad.Tensor;

/**
 * Sets the learning rate of each of an optimizer's groups from a closed-form schedule of the step count, as
 * {@code torch.optim.lr_scheduler} does: constructing a scheduler applies step 0; call {@link #step()} after each
 * {@code optimizer.step()}, once per epoch or once per iteration as the schedule is meant. The closed form makes
 * the rates depend on the step count alone (PyTorch's recursive updates give the same values up to rounding), so
 * restoring {@code last_epoch} restores the schedule. The base rates are the groups' rates when the first
 * scheduler was attached to the optimizer (PyTorch's {@code initial_lr}), so that schedulers built one after another
 * for {@link SequentialLR} share them.
 */
public abstract sealed class LrScheduler
        permits StepLR, MultiStepLR, CosineAnnealingLR, LinearLR, OneCycleLR, SequentialLR {
    final Optimizer optimizer;
    private double[] baseLrs;
    private int lastEpoch = -1;

    LrScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
        this.baseLrs = optimizer.paramGroups().stream().mapToDouble(ParamGroup::initialLr).toArray();
    }

    /** The learning rate of group {@code group} at step {@code epoch} (≥ 0). */
    abstract double lr(int group, double baseLr, int epoch);

    /** The last step the schedule is defined for. */
    int maxEpoch() {
        return Integer.MAX_VALUE;
    }

    /** PyTorch's initial step: subclasses call it last in their constructor, once their fields are set. */
    final void start() {
        step();
    }

    /** Advances the schedule by one step and sets the groups' learning rates. */
    public final void step() {
        if (lastEpoch >= maxEpoch())
            throw new IllegalStateException(name() + ": stepped past the schedule's last step " + maxEpoch());
        lastEpoch++;
        apply();
    }

    /** Sets each group's learning rate, and whatever else the schedule drives, for {@link #lastEpoch()}. */
    private void apply() {
        List<ParamGroup> groups = groups();
        for (int g = 0; g < groups.size(); g++) groups.get(g).setLr(lr(g, baseLrs[g], lastEpoch));
        applyOthers(lastEpoch);
    }

    /** Sets the options besides the rate that the schedule drives at {@code epoch} (OneCycleLR's momentum). */
    void applyOthers(int epoch) {
    }

    final double baseLr(int group) {
        return baseLrs[group];
    }

    /** The optimizer's groups, checked to be the ones the schedule was built for. */
    final List<ParamGroup> groups() {
        List<ParamGroup> groups = optimizer.paramGroups();
        if (groups.size() != baseLrs.length)
            throw new IllegalStateException(name() + ": the optimizer has " + groups.size() + " parameter groups, the"
                    + " schedule was built for " + baseLrs.length + "; build the scheduler after adding groups");
        return groups;
    }

    /** The number of steps taken since construction (0 right after it). */
    public final int lastEpoch() {
        return lastEpoch;
    }

    /** The learning rate of each group as last set. */
    public final double[] lastLr() {
        return optimizer.paramGroups().stream().mapToDouble(ParamGroup::lr).toArray();
    }

    final String name() {
        return getClass().getSimpleName();
    }

    /** {@code last_epoch} (0-d F64) and {@code base_lrs} (F64, one per group). */
    public final Map<String, Tensor> stateDict() {
        var out = new LinkedHashMap<String, Tensor>();
        out.put("last_epoch", Tensor.scalar(DType.F64, lastEpoch));
        out.put("base_lrs", Tensor.of(baseLrs.clone(), baseLrs.length));
        return out;
    }

    /**
     * Restores {@link #stateDict()}'s form and sets the groups' rates for the restored step; a missing, unexpected
     * or malformed entry fails with all of them listed and changes nothing.
     */
    public final void loadStateDict(Map<String, Tensor> dict) {
        var problems = new TreeSet<String>();
        for (String k : dict.keySet())
            if (!k.equals("last_epoch") && !k.equals("base_lrs")) problems.add("unexpected key " + k);
        Tensor epoch = dict.get("last_epoch"), base = dict.get("base_lrs");
        if (epoch == null) problems.add("missing key last_epoch");
        else if (epoch.rank() != 0 || !(epoch.item() >= 0 && epoch.item() == Math.rint(epoch.item())
                && epoch.item() <= maxEpoch()))
            problems.add("last_epoch: expected a 0-d whole number in [0, " + maxEpoch() + "], got " + Optimizer.describe(epoch)
                    + (epoch.rank() == 0 ? " " + epoch.item() : ""));
        if (base == null) problems.add("missing key base_lrs");
        else if (base.rank() != 1 || base.size(0) != baseLrs.length)
            problems.add("base_lrs: expected [" + baseLrs.length + "] (one per group), got " + Optimizer.describe(base));
        else if (Arrays.stream(base.toDoubleArray()).anyMatch(v -> !(v >= 0) || Double.isInfinite(v)))
            problems.add("base_lrs: expected finite rates ≥ 0, got " + Arrays.toString(base.toDoubleArray()));
        if (!problems.isEmpty())
            throw new IllegalArgumentException(name() + ".loadStateDict: nothing was loaded: " + problems);
        lastEpoch = (int) epoch.item();
        baseLrs = base.toDoubleArray();
        apply();
    }
}
