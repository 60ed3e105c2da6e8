package org.jgrad.nn.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgrad.DType;
import org.jgrad.Grad;
import org.jgrad.Tensor;

/**
 * Updates leaf parameters in place from their {@code grad}, as {@code torch.optim} does: parameter groups with
 * their own hyper-parameters, per-parameter state (momentum buffers, moment estimates) created at a parameter's
 * first step on its own device, and a state dict of tensors that a checkpoint saves and {@link #loadStateDict}
 * restores, so that training resumes bit-exactly. Parameters without a gradient are skipped by {@link #step()}.
 */
public abstract sealed class Optimizer permits SGD, Adam, RMSprop {
    private final String name;
    private final LinkedHashMap<String, Double> defaults;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final IdentityHashMap<Tensor, State> state = new IdentityHashMap<>();

    /** One parameter's state: the step count (Adam, RMSprop) and named buffers shaped like the parameter. */
    static final class State {
        long step;
        final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();

        /** The buffer {@code name}, created as zeros like {@code p} on first use. */
        Tensor zeros(String name, Tensor p) {
            return buffers.computeIfAbsent(name, k -> Tensor.zerosLike(p));
        }
    }

    Optimizer(String name, List<Tensor> params, Map<String, Double> defaults) {
        this.name = name;
        this.defaults = new LinkedHashMap<>(defaults);
        validate(this.defaults);
        if (params.isEmpty()) throw new IllegalArgumentException(name + ": got an empty parameter list");
        addParamGroup(params, Map.of());
    }

    /** Checks a complete set of options, throwing an IllegalArgumentException that names the bad one. */
    abstract void validate(Map<String, Double> options);

    /** The buffers a parameter's state holds under {@code options}, in state dict order. */
    abstract List<String> bufferNames(Map<String, Double> options);

    /** Whether the state counts steps ({@code state.i.step}), as Adam and RMSprop do and SGD does not. */
    abstract boolean countsSteps();

    /** One parameter's update; runs with the graph off. {@code s.step} is already incremented when counted. */
    abstract void update(ParamGroup group, Tensor p, Tensor grad, State s);

    /** The optimizer's name for messages ("SGD", "Adam", …). */
    public final String name() {
        return name;
    }

    /** The options new groups start from. */
    public final Map<String, Double> defaults() {
        return Collections.unmodifiableMap(defaults);
    }

    public final List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /**
     * Adds a group of parameters with the defaults overridden by {@code options} (PyTorch's names); fails for an
     * unknown option, a bad value, a non-leaf or non-floating tensor, or a parameter already optimized here.
     */
    public final ParamGroup addParamGroup(List<Tensor> params, Map<String, Double> options) {
        for (String k : options.keySet())
            if (!defaults.containsKey(k))
                throw new IllegalArgumentException(name + ": unknown option '" + k + "'; its options are "
                        + defaults.keySet());
        var merged = new LinkedHashMap<>(defaults);
        merged.putAll(options);
        validate(merged);
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParamGroup g : groups) seen.addAll(g.params());
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            String what = name + ": parameter " + i + " of group " + groups.size();
            if (p == null) throw new IllegalArgumentException(what + " is null");
            if (!p.isLeaf())
                throw new IllegalArgumentException(what + " was computed by '" + p.gradFn()
                        + "'; only leaf tensors can be optimized");
            if (!p.dtype().isFloating())
                throw new IllegalArgumentException(what + " is " + describe(p) + "; only F32 and F64 can be optimized");
            if (!seen.add(p))
                throw new IllegalArgumentException(what + " appears more than once among the optimizer's parameters");
        }
        var g = new ParamGroup(this, params, merged);
        groups.add(g);
        return g;
    }

    /** The learning rate of the first group. */
    public final double lr() {
        return groups.getFirst().lr();
    }

    /** Sets the learning rate of every group. */
    public final void setLr(double lr) {
        for (ParamGroup g : groups) g.setLr(lr);
    }

    /**
     * Updates every parameter that has a gradient, in place and without recording the graph; fails before any
     * update when a gradient's shape is not its parameter's.
     */
    public final void step() {
        for (ParamGroup g : groups)    // all checked first, so that a bad gradient leaves every parameter as it was
            for (Tensor p : g.params())
                if (p.grad() != null && !Arrays.equals(p.grad().shape(), p.shape()))
                    throw new IllegalStateException(name + ".step: the gradient of a parameter " + describe(p)
                            + " is " + describe(p.grad()) + "; a gradient has its parameter's shape");
        try (var off = Grad.disabled()) {
            for (ParamGroup g : groups)
                for (Tensor p : g.params()) {
                    if (p.grad() == null) continue;
                    State s = state.computeIfAbsent(p, k -> new State());
                    if (countsSteps()) s.step++;
                    update(g, p, p.grad(), s);
                }
        }
    }

    /**
     * Clears every gradient by setting it to null (PyTorch's {@code set_to_none=True}, its default from 2.0). The
     * next backward then starts from nothing, which equals starting from zeros, with no kernel run. Zeros are not
     * written into the old gradient in place because a gradient may share storage with another tensor (backward
     * hands the same tensor to both operands of an add, and the seed of {@code backward(gradient)} itself).
     */
    public final void zeroGrad() {
        zeroGrad(true);
    }

    /**
     * Clears every gradient: to null, or (PyTorch 1.13's default {@code set_to_none=False}) to a fresh zero tensor,
     * so that parameters that get no gradient in the next backward still take a step (momentum, weight decay).
     */
    public final void zeroGrad(boolean setToNone) {
        for (ParamGroup g : groups)
            for (Tensor p : g.params())
                if (p.grad() != null) p.setGrad(setToNone ? null : Tensor.zerosLike(p.grad()));
    }

    /**
     * The state as named tensors: {@code state.<i>.<buffer>} (the live buffers, not copies) and
     * {@code state.<i>.step} (0-d F64) for each parameter {@code i} (numbered across groups in order) that has
     * stepped; {@code param_groups.<g>.<option>} as 0-d F64 and {@code param_groups.<g>.params} (I32 indices).
     */
    public final Map<String, Tensor> stateDict() {
        var out = new LinkedHashMap<String, Tensor>();
        int index = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup g = groups.get(gi);
            for (var e : g.options().entrySet())
                out.put("param_groups." + gi + "." + e.getKey(), Tensor.scalar(DType.F64, e.getValue()));
            int[] ids = new int[g.params().size()];
            for (int i = 0; i < ids.length; i++) ids[i] = index + i;
            out.put("param_groups." + gi + ".params", Tensor.of(ids, ids.length));
            for (Tensor p : g.params()) {
                State s = state.get(p);
                if (s != null) {
                    if (countsSteps()) out.put("state." + index + ".step", Tensor.scalar(DType.F64, s.step));
                    for (var b : s.buffers.entrySet()) out.put("state." + index + "." + b.getKey(), b.getValue());
                }
                index++;
            }
        }
        return out;
    }

    /**
     * Restores a state dict of {@link #stateDict()}'s form (group options included, as PyTorch does). Every key is
     * checked first: a missing, unexpected or mismatched entry (shape, dtype, a non-integral step, a bad option, a
     * group of another size) fails with all of them listed, and the optimizer is left unchanged. Buffers are copied
     * onto each parameter's device and dtype.
     */
    public final void loadStateDict(Map<String, Tensor> dict) {
        StateDicts.Loaded loaded = StateDicts.check(this, groups, dict);
        for (int gi = 0; gi < groups.size(); gi++) groups.get(gi).replaceOptions(loaded.options().get(gi));
        state.clear();
        try (var off = Grad.disabled()) {
            for (var e : loaded.states().entrySet()) {
                Tensor p = e.getKey();
                State s = new State();
                s.step = e.getValue().step();
                for (var b : e.getValue().buffers().entrySet())
                    s.buffers.put(b.getKey(), Tensor.zerosLike(p).copyFrom(b.getValue().to(p.device())));
                state.put(p, s);
            }
        }
    }

    /** The state of {@code p}, or null before its first step: for tests and subclasses. */
    final State stateOf(Tensor p) {
        return state.get(p);
    }

    static String describe(Tensor t) {
        return "tensor " + Arrays.toString(t.shape()) + " " + t.dtype();
    }
}
