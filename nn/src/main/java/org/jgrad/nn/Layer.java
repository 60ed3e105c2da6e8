package org.jgrad.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Grad;
import org.jgrad.Tensor;

/**
 * A building block of a network, as PyTorch's {@code nn.Module}: it owns named parameters (leaves that require
 * grad), named buffers (state that is not trained, such as BatchNorm's running statistics) and named child layers,
 * and it is in training or evaluation mode. Names follow PyTorch: a child's entries are prefixed with the child's
 * name and a dot ({@code features.3.bias}); a layer lists its own parameters, then its own buffers, then its
 * children's, each in registration order.
 * <p>
 * Subclasses register what they own in their constructor and read it back with {@link #param} and {@link #buffer}
 * at each forward, never through a field of their own: {@link #to(Device)} and {@link #to(DType)} replace the
 * tensors, and {@link #functionalCall} swaps them for one call.
 */
public abstract class Layer {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Boolean> persistent = new LinkedHashMap<>();
    private final Map<String, Layer> children = new LinkedHashMap<>();
    private boolean training = true;

    /** This layer's output for input x; records the graph when grad mode is on. */
    public abstract Tensor forward(Tensor x);

    // ---------------------------------------------------------------- registration

    /**
     * Registers {@code value} as parameter {@code name}: it becomes a leaf that requires grad (a floating tensor
     * that no op computed). Returns it.
     */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        if (!value.dtype().isFloating() || !value.isLeaf())
            throw new IllegalArgumentException(kind() + ": parameter '" + name + "' must be a floating-point leaf, got "
                    + describe(value) + (value.isLeaf() ? "" : " computed by '" + value.gradFn() + "'"));
        params.put(name, value.requiresGrad(true));
        return value;
    }

    /**
     * Registers {@code value} as buffer {@code name}; a persistent buffer is part of {@link #stateDict()}, a
     * non-persistent one only moves with the layer. Returns it.
     */
    protected final Tensor registerBuffer(String name, Tensor value, boolean persistent) {
        checkName(name);
        if (value.requiresGrad())
            throw new IllegalArgumentException(kind() + ": buffer '" + name + "' must not require grad, got " + describe(value));
        buffers.put(name, value);
        this.persistent.put(name, persistent);
        return value;
    }

    /** Registers {@code child} under {@code name}; its entries appear as {@code name.entry}. Returns it. */
    protected final <L extends Layer> L registerChild(String name, L child) {
        checkName(name);
        if (child == null) throw new IllegalArgumentException(kind() + ": child '" + name + "' is null");
        children.put(name, child);
        return child;
    }

    /** This layer's own parameter {@code name}, or null when it has none of that name (a layer built without bias). */
    protected final Tensor param(String name) {
        return params.get(name);
    }

    /** This layer's own buffer {@code name}, or null when it has none of that name. */
    protected final Tensor buffer(String name) {
        return buffers.get(name);
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException(kind() + ": '" + name + "' is not a valid name (non-empty, no dots)");
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException(kind() + ": the name '" + name + "' is already registered");
    }

    // ---------------------------------------------------------------- reading

    /** Every parameter of this layer and its descendants by qualified name: the live tensors an optimizer updates. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, layer) -> layer.params.forEach((n, t) -> out.put(prefix + n, t)));
        return out;
    }

    /** The tensors of {@link #namedParameters()}, in the same order. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer (persistent or not) of this layer and its descendants by qualified name: the live tensors. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, layer) -> layer.buffers.forEach((n, t) -> out.put(prefix + n, t)));
        return out;
    }

    /** This layer's direct children by name, in registration order (unmodifiable). */
    public final Map<String, Layer> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * The parameters and persistent buffers by qualified name, PyTorch's {@code state_dict()}: per layer its
     * parameters, then its buffers, then its children's entries. The tensors are detached but share storage with
     * the layer, so they see later updates; copy them to keep a snapshot.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, layer) -> {
            layer.params.forEach((n, t) -> out.put(prefix + n, t.detach()));
            layer.buffers.forEach((n, t) -> {
                if (layer.persistent.get(n)) out.put(prefix + n, t.detach());
            });
        });
        return out;
    }

    /** Visits this layer and every descendant, depth first in registration order, with its name prefix. */
    private void walk(String prefix, BiConsumer<String, Layer> visit) {
        visit.accept(prefix, this);
        children.forEach((n, c) -> c.walk(prefix + n + ".", visit));
    }

    // ---------------------------------------------------------------- loading

    /** {@link #loadStateDict(Map, boolean)}, strict. */
    public final void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Copies the values of {@code state} into this layer's parameters and persistent buffers, in place (so an
     * optimizer holding them still does), converting dtype and device. Shapes must match exactly; with
     * {@code strict} every entry of {@link #stateDict()} must be given and nothing else. On any mismatch it throws
     * an {@link IllegalArgumentException} listing every missing, unexpected and mis-shaped key, and changes nothing.
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) missing.add(e.getKey());
            else if (!Arrays.equals(src.shape(), e.getValue().shape())) mismatched.add(shapeMismatch(e.getKey(), e.getValue(), src));
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (!mismatched.isEmpty() || strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            StringBuilder sb = new StringBuilder("loadStateDict: the state does not fit " + kind());
            if (strict && !missing.isEmpty()) sb.append("\n  missing keys: ").append(String.join(", ", missing));
            if (strict && !unexpected.isEmpty()) sb.append("\n  unexpected keys: ").append(String.join(", ", unexpected));
            if (!mismatched.isEmpty()) sb.append("\n  shape mismatches: ").append(String.join(", ", mismatched));
            throw new IllegalArgumentException(sb.toString());
        }
        try (var off = Grad.disabled()) {
            // every transfer first, so that a device failure leaves the layer as it was
            Map<Tensor, Tensor> copies = new LinkedHashMap<>();
            for (var e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null) copies.put(e.getValue(), src.to(e.getValue().device()));
            }
            copies.forEach(Tensor::copyFrom);
        }
    }

    // ---------------------------------------------------------------- modes

    /** Sets training mode ({@code on}) or evaluation mode for this layer and every descendant; returns this. */
    public Layer train(boolean on) {
        training = on;
        for (Layer c : children.values()) c.train(on);
        return this;
    }

    /** {@code train(true)}. */
    public final Layer train() {
        return train(true);
    }

    /** {@code train(false)}: dropout off, batch normalization on its running statistics. */
    public final Layer eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    // ---------------------------------------------------------------- moving

    /**
     * Moves every parameter, gradient and buffer of this layer and its descendants to {@code device}; returns this.
     * The parameters become new tensors (as in PyTorch): build the optimizer after moving.
     */
    public Layer to(Device device) {
        return replaceAll(t -> t.to(device));
    }

    /**
     * Converts every floating-point parameter, gradient and buffer to {@code dtype}, which must be floating; integer
     * buffers (counters) keep theirs, as PyTorch's {@code module.to(dtype)}. Returns this.
     */
    public Layer to(DType dtype) {
        if (!dtype.isFloating())
            throw new IllegalArgumentException(kind() + ".to: parameters must stay floating-point, got " + dtype);
        return replaceAll(t -> t.dtype().isFloating() ? t.to(dtype) : t);
    }

    /** Replaces each parameter (and its grad) and buffer by {@code f} of it, outside the graph. */
    private Layer replaceAll(UnaryOperator<Tensor> f) {
        try (var off = Grad.disabled()) {
            walk("", (prefix, layer) -> {
                layer.params.replaceAll((n, p) -> {
                    Tensor q = f.apply(p);
                    if (q == p) return p;
                    q = q.detach().requiresGrad(true);
                    if (p.grad() != null) q.setGrad(f.apply(p.grad()).detach());
                    return q;
                });
                layer.buffers.replaceAll((n, b) -> f.apply(b).detach());
            });
        }
        return this;
    }

    /** Clears the gradient of every parameter (sets it to null, PyTorch's default). */
    public final void zeroGrad() {
        for (Tensor p : parameters()) p.setGrad(null);
    }

    /**
     * {@link #forward} with some parameters or buffers replaced by {@code replacements} (qualified names) for this one
     * call, as {@code torch.func.functional_call}: gradients then flow to the given tensors rather than to the
     * layer's. The layer's own tensors are restored afterwards, even when forward throws.
     */
    public final Tensor functionalCall(Map<String, Tensor> replacements, Tensor x) {
        Map<String, Tensor> ownParams = namedParameters(), ownBuffers = namedBuffers();
        List<String> bad = new ArrayList<>();
        for (var e : replacements.entrySet()) {
            Tensor own = ownParams.containsKey(e.getKey()) ? ownParams.get(e.getKey()) : ownBuffers.get(e.getKey());
            if (own == null) bad.add(e.getKey() + " (no such parameter or buffer)");
            else if (e.getValue() == null) bad.add(e.getKey() + " (null)");
            else if (!Arrays.equals(own.shape(), e.getValue().shape())) bad.add(shapeMismatch(e.getKey(), own, e.getValue()));
        }
        if (!bad.isEmpty())
            throw new IllegalArgumentException("functionalCall: bad replacements for " + kind() + ": " + String.join(", ", bad));
        Map<String, Tensor> saved = new LinkedHashMap<>();
        try {
            swap(replacements, saved);
            return forward(x);
        } finally {
            swap(saved, new LinkedHashMap<>());
        }
    }

    /** Puts each tensor of {@code incoming} in place of the parameter or buffer of its name, the old one into {@code outgoing}. */
    private void swap(Map<String, Tensor> incoming, Map<String, Tensor> outgoing) {
        walk("", (prefix, layer) -> {
            for (Map<String, Tensor> m : List.of(layer.params, layer.buffers))
                for (var e : m.entrySet()) {
                    Tensor r = incoming.get(prefix + e.getKey());
                    if (r == null) continue;
                    outgoing.put(prefix + e.getKey(), e.getValue());
                    e.setValue(r);
                }
        });
    }

    // ---------------------------------------------------------------- description

    /** The layer's class name, for messages. */
    final String kind() {
        return getClass().getSimpleName();
    }

    private static String shapeMismatch(String name, Tensor expected, Tensor got) {
        return name + " (expected " + Arrays.toString(expected.shape()) + ", got " + Arrays.toString(got.shape()) + ")";
    }

    static String describe(Tensor t) {
        return "tensor " + Arrays.toString(t.shape()) + " " + t.dtype();
    }

    /** PyTorch's summary: the layer's {@link #extraRepr()}, then its children indented. */
    @Override
    public String toString() {
        if (children.isEmpty()) return kind() + "(" + extraRepr() + ")";
        StringBuilder sb = new StringBuilder(kind()).append("(");
        children.forEach((n, c) -> sb.append("\n  (").append(n).append("): ").append(c.toString().replace("\n", "\n  ")));
        return sb.append("\n)").toString();
    }

    /** The layer's settings for {@link #toString()}, e.g. {@code in_features=784, out_features=10, bias=true}. */
    protected String extraRepr() {
        return "";
    }
}
