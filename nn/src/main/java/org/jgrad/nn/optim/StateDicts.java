package org.jgrad.nn.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jgrad.Tensor;

/** Checks an optimizer state dict against the optimizer before anything is changed. */
final class StateDicts {
    private StateDicts() {
    }

    record ParamState(long step, Map<String, Tensor> buffers) {
    }

    /** What a valid state dict holds: each group's options and the state of each parameter that had one. */
    record Loaded(List<Map<String, Double>> options, Map<Tensor, ParamState> states) {
    }

    static Loaded check(Optimizer opt, List<ParamGroup> groups, Map<String, Tensor> dict) {
        var missing = new TreeSet<String>();
        var wrong = new ArrayList<String>();
        Set<String> used = new HashSet<>();
        var options = new ArrayList<Map<String, Double>>();
        var states = new IdentityHashMap<Tensor, ParamState>();
        int index = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup g = groups.get(gi);
            String prefix = "param_groups." + gi + ".";
            var opts = new LinkedHashMap<String, Double>();
            for (String o : g.options().keySet()) {
                Double v = scalar(dict, prefix + o, missing, wrong, used);
                if (v != null) opts.put(o, v);
            }
            if (opts.size() == g.options().size()) {
                try {
                    opt.validate(opts);
                } catch (IllegalArgumentException e) {
                    wrong.add(prefix + "*: " + e.getMessage());
                }
            }
            checkIndices(dict, prefix + "params", index, g.params().size(), missing, wrong, used);
            // a group whose options did not load is checked against its current options, to still list its keys
            List<String> names = opt.bufferNames(opts.size() == g.options().size() ? opts : g.options());
            for (Tensor p : g.params()) {
                ParamState s = paramState(opt, dict, "state." + index + ".", p, names, missing, wrong, used);
                if (s != null) states.put(p, s);
                index++;
            }
            options.add(opts);
        }
        var unexpected = new TreeSet<String>(dict.keySet());
        unexpected.removeAll(used);
        if (!missing.isEmpty() || !unexpected.isEmpty() || !wrong.isEmpty()) {
            var msg = new StringBuilder(opt.name() + ".loadStateDict: the state dict does not fit this optimizer ("
                    + groups.size() + " groups, " + index + " parameters); nothing was loaded");
            if (!missing.isEmpty()) msg.append("; missing keys ").append(missing);
            if (!unexpected.isEmpty()) msg.append("; unexpected keys ").append(unexpected);
            if (!wrong.isEmpty()) msg.append("; mismatched ").append(wrong);
            throw new IllegalArgumentException(msg.toString());
        }
        return new Loaded(options, states);
    }

    /** A parameter's state, or null when the dict holds none for it (it had not stepped); all or nothing. */
    private static ParamState paramState(Optimizer opt, Map<String, Tensor> dict, String prefix, Tensor p,
                                         List<String> names, Set<String> missing, List<String> wrong,
                                         Set<String> used) {
        boolean any = opt.countsSteps() && dict.containsKey(prefix + "step");
        for (String n : names) any |= dict.containsKey(prefix + n);
        if (!any) return null;
        long step = 0;
        if (opt.countsSteps()) {
            Double v = scalar(dict, prefix + "step", missing, wrong, used);
            if (v != null && !(v >= 0 && v == Math.rint(v) && v < 0x1p53))
                wrong.add(prefix + "step: expected a whole number of steps, got " + v);
            else if (v != null) step = v.longValue();
        }
        var buffers = new LinkedHashMap<String, Tensor>();
        for (String n : names) {
            String key = prefix + n;
            Tensor t = dict.get(key);
            if (t == null) {
                missing.add(key);
                continue;
            }
            used.add(key);
            if (!Arrays.equals(t.shape(), p.shape()) || !t.dtype().isFloating())
                wrong.add(key + ": expected a floating-point tensor " + Arrays.toString(p.shape())
                        + " like its parameter, got " + Optimizer.describe(t));
            else buffers.put(n, t);
        }
        return new ParamState(step, buffers);
    }

    private static Double scalar(Map<String, Tensor> dict, String key, Set<String> missing, List<String> wrong,
                                 Set<String> used) {
        Tensor t = dict.get(key);
        if (t == null) {
            missing.add(key);
            return null;
        }
        used.add(key);
        if (t.rank() != 0) {
            wrong.add(key + ": expected a 0-d scalar, got " + Optimizer.describe(t));
            return null;
        }
        return t.item();
    }

    /** {@code param_groups.<g>.params} must number the group's parameters as this optimizer does. */
    private static void checkIndices(Map<String, Tensor> dict, String key, int first, int n, Set<String> missing,
                                     List<String> wrong, Set<String> used) {
        Tensor t = dict.get(key);
        if (t == null) {
            missing.add(key);
            return;
        }
        used.add(key);
        int[] expected = new int[n];
        for (int i = 0; i < n; i++) expected[i] = first + i;
        if (t.rank() != 1 || t.size(0) != n || t.dtype().isFloating() || !Arrays.equals(t.toIntArray(), expected))
            wrong.add(key + ": expected the indices " + Arrays.toString(expected) + " (a group of " + n
                    + " parameters), got " + Optimizer.describe(t)
                    + (t.rank() == 1 && t.numel() <= 16 ? " " + Arrays.toString(t.toDoubleArray()) : ""));
    }
}
