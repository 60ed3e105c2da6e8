package org.jgrad.nn.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgrad.Tensor;

/**
 * Parameters that share hyper-parameters, as PyTorch's {@code param_groups} entries: the options are named as in
 * PyTorch ({@code lr}, {@code momentum}, {@code weight_decay}, …; Adam's betas as {@code beta1} and {@code beta2};
 * flags such as {@code nesterov} as 0 or 1). Schedulers change {@code lr} (and momentum) here between steps.
 */
public final class ParamGroup {
    private final Optimizer owner;
    private final List<Tensor> params;
    private final LinkedHashMap<String, Double> options;
    private double initialLr = Double.NaN;

    ParamGroup(Optimizer owner, List<Tensor> params, LinkedHashMap<String, Double> options) {
        this.owner = owner;
        this.params = List.copyOf(params);
        this.options = options;
    }

    /** The parameters, in the order their state is numbered. */
    public List<Tensor> params() {
        return params;
    }

    public double lr() {
        return get("lr");
    }

    /** Sets this group's learning rate (what schedulers call); fails for a negative or non-finite value. */
    public void setLr(double lr) {
        set("lr", lr);
    }

    /** The rate schedules start from: the rate when the first scheduler asked (PyTorch's {@code initial_lr}). */
    double initialLr() {
        if (Double.isNaN(initialLr)) initialLr = lr();
        return initialLr;
    }

    /** The option {@code name}; fails naming the options this optimizer has. */
    public double get(String name) {
        Double v = options.get(name);
        if (v == null)
            throw new IllegalArgumentException(owner.name() + ": no option '" + name + "'; its options are "
                    + options.keySet());
        return v;
    }

    /** Whether the 0/1 option {@code name} (nesterov, amsgrad, centered) is on. */
    public boolean flag(String name) {
        return get(name) != 0;
    }

    /** Sets the option {@code name}, validated as the optimizer's constructor does; on error nothing changes. */
    public void set(String name, double value) {
        get(name);
        var next = new LinkedHashMap<>(options);
        next.put(name, value);
        owner.validate(next);
        options.put(name, value);
    }

    /** The options by name, read-only. */
    public Map<String, Double> options() {
        return Collections.unmodifiableMap(options);
    }

    /** Replaces all options at once (loading a state dict): the caller has validated them. */
    void replaceOptions(Map<String, Double> values) {
        options.putAll(values);
    }
}
