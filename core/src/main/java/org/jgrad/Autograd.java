package org.jgrad;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reverse-mode differentiation over the recorded graph. {@link Tensor#backward} accumulates into the leaves'
 * {@code grad}; {@link #grad} returns gradients without touching any {@code grad} field, as
 * {@code torch.autograd.grad} does. With {@code createGraph} the backward rules are themselves recorded, so the
 * gradients can be differentiated again.
 */
public final class Autograd {
    private Autograd() {
    }

    /**
     * The gradients of {@code output} with respect to each of {@code inputs} (null where {@code output} does not
     * depend on one), given the gradient {@code gradOutput} of output (null: output must have one element, seed 1).
     * {@code createGraph} implies {@code retainGraph}, as in {@link Tensor#backward(Tensor, boolean, boolean)}: the
     * recorded gradients refer to the forward graph, so differentiating them again goes through it.
     */
    public static Tensor[] grad(Tensor output, Tensor gradOutput, List<Tensor> inputs, boolean retainGraph,
            boolean createGraph) {
        Map<Object, Tensor> captured = new IdentityHashMap<>();
        Set<Object> wanted = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor t : inputs) {
            if (!t.requiresGrad())
                throw Errors.arg("grad", "input " + Errors.describe(t) + " does not require grad");
            wanted.add(key(t));
        }
        run(output, gradOutput, retainGraph || createGraph, createGraph, wanted, captured);
        Tensor[] out = new Tensor[inputs.size()];
        for (int i = 0; i < out.length; i++) out[i] = captured.get(key(inputs.get(i)));
        return out;
    }

    static void backward(Tensor output, Tensor gradOutput, boolean retainGraph, boolean createGraph) {
        run(output, gradOutput, retainGraph, createGraph, null, null);
    }

    /** A leaf is keyed by itself, an interior tensor by its node (one node per output). */
    private static Object key(Tensor t) {
        return t.gradFn != null ? t.gradFn : t;
    }

    /** wanted == null: accumulate into leaves' grad; otherwise capture the gradients of the wanted keys only. */
    private static void run(Tensor output, Tensor seed, boolean retainGraph, boolean createGraph, Set<Object> wanted,
            Map<Object, Tensor> captured) {
        if (!output.requiresGrad())
            throw Errors.arg("backward", Errors.describe(output) + " does not require grad: no tensor it was computed"
                    + " from has requiresGrad(true), or it was computed inside Grad.disabled()");
        if (seed == null) {
            if (output.numel() != 1)
                throw Errors.arg("backward", "a gradient can be implied only for a one-element output, got "
                        + Errors.describe(output) + "; pass the output's gradient");
            seed = Tensor.onesLike(output);
        } else if (!Arrays.equals(seed.layout.shape(), output.layout.shape())) {
            throw Errors.arg("backward", "gradient " + Errors.describe(seed) + " does not match output "
                    + Errors.describe(output));
        } else if (seed.device != output.device) {
            throw Errors.arg("backward", "gradient " + Errors.describe(seed) + " is on " + seed.device + " but output "
                    + Errors.describe(output) + " is on " + output.device + "; move it with to(Device)");
        }
        Map<Object, Tensor> pending = new IdentityHashMap<>();
        Map<Tensor, Tensor> leaves = new IdentityHashMap<>();
        try (var mode = Grad.setEnabled(createGraph)) {
            if (output.gradFn == null) {
                leaves.put(output, seed);
            } else {
                pending.put(output.gradFn, seed);
                for (Node node : reverseTopological(output.gradFn)) {
                    Tensor g = pending.remove(node);
                    if (g == null) continue;
                    g = applyHooks(node.outputHooks, g, node.op);
                    if (wanted != null && wanted.contains(node)) captured.put(node, g);
                    Tensor[] grads;
                    // the ops inside a rule are not checked one by one: its result is, and names the op it belongs to
                    try (var rule = Grad.setAnomaly(false)) {
                        grads = node.backward(g);
                    }
                    if (Grad.isAnomalyDetection()) Anomaly.checkBackward(node.describe(), g, grads);
                    if (!retainGraph) node.release();
                    for (int i = 0; i < node.inputs.length; i++) {
                        Tensor in = node.inputs[i];
                        if (grads[i] == null || !in.requiresGrad()) continue;
                        Tensor gi = grads[i].dtype() == in.dtype() ? grads[i] : grads[i].to(in.dtype());
                        if (in.gradFn != null) pending.merge(in.gradFn, gi, Tensor::add);
                        else leaves.merge(in, gi, Tensor::add);
                    }
                }
            }
            for (var e : leaves.entrySet()) {
                Tensor leaf = e.getKey(), g = applyHooks(leaf.hooks, e.getValue(), null);
                if (wanted != null) {
                    if (wanted.contains(leaf)) captured.put(leaf, g);
                } else {
                    Tensor add = createGraph ? g : g.detach();
                    leaf.grad = leaf.grad == null ? add : leaf.grad.add(add);
                }
            }
        }
    }

    /** op: the op that made the hooked tensor, null for a leaf. A reshaped gradient would broadcast silently. */
    private static Tensor applyHooks(List<UnaryOperator<Tensor>> hooks, Tensor g, String op) {
        if (hooks == null) return g;
        for (UnaryOperator<Tensor> h : hooks) {
            Tensor r = h.apply(g);
            if (r != null && !Arrays.equals(r.layout.shape(), g.layout.shape()))
                throw Errors.arg(op == null ? "registerHook" : op, "a hook on " + (op == null ? "a leaf" : "the output of '"
                        + op + "'") + " returned gradient " + Errors.describe(r) + " for the gradient " + Errors.describe(g)
                        + "; a hook must keep the gradient's shape");
            if (r != null) g = r;
        }
        return g;
    }

    /** Nodes ordered so each comes before every node it depends on (iterative: deep graphs cannot overflow). */
    private static List<Node> reverseTopological(Node root) {
        List<Node> post = new ArrayList<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.add(root);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Node n = (Node) top[0];
            int i = (Integer) top[1];
            if (i < n.inputs.length) {
                top[1] = i + 1;
                Node child = n.inputs[i].gradFn;
                if (child != null && seen.add(child)) stack.push(new Object[] {child, 0});
            } else {
                post.add(n);
                stack.pop();
            }
        }
        Collections.reverse(post);
        return post;
    }

    /**
     * Attaches a node to {@code out} when grad mode is on and some input requires grad. {@code saved} are the
     * tensors the rule reads: writing any of them in place before backward is an error.
     */
    private static final ThreadLocal<String[]> COMPOSITE = ThreadLocal.withInitial(() -> new String[1]);

    /**
     * Marks the ops recorded until the scope closes as parts of the composite op {@code name} (the outermost one
     * wins), so that errors and anomalies name the op the user called beside the primitive that failed.
     */
    static Grad.Scope composite(String name) {
        String[] current = COMPOSITE.get();
        if (current[0] != null) return () -> { };
        current[0] = name;
        return () -> current[0] = null;
    }

    /** The outermost open composite scope's name, or null. */
    static String currentComposite() {
        return COMPOSITE.get()[0];
    }

    static Tensor record(String op, Tensor out, Tensor[] inputs, Tensor[] saved, Node.Rule rule) {
        String inside = currentComposite();
        if (Grad.isAnomalyDetection()) Anomaly.checkForward(Node.describe(op, inside), out, inputs);
        if (!Grad.isEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) any |= t.requiresGrad();
        if (!any || !out.dtype().isFloating()) return out;
        out.requiresGrad = true;
        out.hooks = new ArrayList<>(0);
        out.gradFn = new Node(op, inside, inputs, saved, rule, out.hooks);
        return out;
    }

    static Tensor custom(CustomOp op, Tensor[] inputs) {
        Tensor out;
        try (var off = Grad.disabled()) {
            out = op.forward(inputs.clone());
        }
        Tensor result = out.detach();
        Tensor[] saved = Arrays.copyOf(inputs, inputs.length + 1);
        saved[inputs.length] = result;
        return record(op.name(), result, inputs, saved, g -> {
            Tensor[] grads = op.backward(g, inputs, result);
            if (grads.length != inputs.length)
                throw Errors.arg(op.name(), "custom backward returned " + grads.length + " gradients for "
                        + inputs.length + " inputs");
            for (int i = 0; i < grads.length; i++)
                if (grads[i] != null && !Arrays.equals(grads[i].layout.shape(), inputs[i].layout.shape()))
                    throw Errors.arg(op.name(), "custom backward returned gradient " + Errors.describe(grads[i])
                            + " for input " + i + ", which is a " + Errors.describe(inputs[i]));
            return grads;
        });
    }
}
