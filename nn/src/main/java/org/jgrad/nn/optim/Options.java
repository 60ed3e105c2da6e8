package org.jgrad.nn.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/** Building and checking optimizer options, with the messages PyTorch's constructors give. */
final class Options {
    private Options() {
    }

    /** Options in the given order ({@code name, value, name, value, …}), so state dicts list them stably. */
    static LinkedHashMap<String, Double> of(Object... nameValue) {
        var out = new LinkedHashMap<String, Double>();
        for (int i = 0; i < nameValue.length; i += 2) {
            Object v = nameValue[i + 1];
            out.put((String) nameValue[i], v instanceof Boolean b ? (b ? 1.0 : 0.0) : ((Number) v).doubleValue());
        }
        return out;
    }

    static void nonNegative(Optimizer opt, Map<String, Double> o, String... names) {
        for (String n : names) {
            double v = o.get(n);
            if (!(v >= 0) || Double.isInfinite(v))
                throw bad(opt, n, v, "a finite value ≥ 0");
        }
    }

    static void finite(Optimizer opt, Map<String, Double> o, String... names) {
        for (String n : names)
            if (!Double.isFinite(o.get(n)))
                throw bad(opt, n, o.get(n), "a finite value");
    }

    /** Values in [0, 1), as Adam's betas. */
    static void unitInterval(Optimizer opt, Map<String, Double> o, String... names) {
        for (String n : names) {
            double v = o.get(n);
            if (!(v >= 0 && v < 1))
                throw bad(opt, n, v, "0 ≤ " + n + " < 1");
        }
    }

    static void flags(Optimizer opt, Map<String, Double> o, String... names) {
        for (String n : names) {
            double v = o.get(n);
            if (v != 0 && v != 1)
                throw bad(opt, n, v, "a flag, 0 or 1");
        }
    }

    private static IllegalArgumentException bad(Optimizer opt, String name, double value, String expected) {
        return new IllegalArgumentException(opt.name() + ": invalid " + name + " " + value + " (expected " + expected + ")");
    }
}
