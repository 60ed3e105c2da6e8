package org.jgrad.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every op of jgrad's core, one {@link OpSpec} each, from which the generic tests are generated: gradient checks of
 * first and second order, broadcast against explicit expand, every strided layout against the contiguous one, error
 * inputs, and backend parity. A new op is registered here (in its family's file) and the coverage test holds it to
 * every check.
 */
public final class OpRegistry {
    private static final List<OpSpec> ALL = build();
    private static final Map<String, OpSpec> BY_NAME = index(ALL);

    private OpRegistry() {
    }

    /** Every registered op, by family: elementwise, reductions and matmul, structure, views, nn functions, layers. */
    public static List<OpSpec> all() {
        return ALL;
    }

    /** The op registered as {@code name}, or an IllegalArgumentException listing the names there are. */
    public static OpSpec named(String name) {
        OpSpec op = BY_NAME.get(name);
        if (op == null)
            throw new IllegalArgumentException("OpRegistry: no op named '" + name + "'; registered: " + BY_NAME.keySet());
        return op;
    }

    private static List<OpSpec> build() {
        List<OpSpec> ops = new ArrayList<>();
        ops.addAll(ElementwiseOps.all());
        ops.addAll(ReductionOps.all());
        ops.addAll(StructureOps.all());
        ops.addAll(ViewOps.all());
        ops.addAll(NnOps.all());
        ops.addAll(LayerOps.all());
        return Collections.unmodifiableList(ops);
    }

    private static Map<String, OpSpec> index(List<OpSpec> ops) {
        Map<String, OpSpec> map = new LinkedHashMap<>();
        for (OpSpec op : ops)
            if (map.put(op.name(), op) != null) throw new IllegalStateException("OpRegistry: '" + op.name() + "' is registered twice");
        return Collections.unmodifiableMap(map);
    }
}
