package org.jgrad.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jgrad.Autograd;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Grad;
import org.jgrad.Tensor;

/**
 * One evaluation of a registered op, forward and (when asked) backward: its output and the gradients of its floating
 * inputs for a seeded output gradient, so that two evaluations (two layouts, two backends) can be compared.
 *
 * @param output the op's output, detached
 * @param grads  the gradient of each floating input in order (null where autograd found no path); empty when the
 *               backward pass was not run
 */
record OpRun(Tensor output, Tensor[] grads) {

    /**
     * Runs {@code op} on {@code in}. With {@code backward}, the floating inputs become fresh leaves (same storage and
     * layout) and the gradients are taken for the output gradient drawn from {@code seed} in [-2, 2].
     */
    static OpRun of(OpSpec op, Tensor[] in, boolean backward, long seed) {
        Tensor[] xs = in.clone();
        List<Tensor> wrt = new ArrayList<>();
        if (backward) {
            for (int i = 0; i < xs.length; i++) {
                if (!xs[i].dtype().isFloating()) continue;
                xs[i] = xs[i].detach().requiresGrad(true);
                wrt.add(xs[i]);
            }
        }
        try (var on = Grad.enabled()) {
            Tensor y = op.apply(xs);
            if (!backward || !y.requiresGrad()) return new OpRun(y.detach(), new Tensor[0]);
            Tensor v = Gens.tensor(y.shape(), Domain.real(), y.dtype(), seed).to(y.device());
            return new OpRun(y.detach(), Autograd.grad(y, v, wrt, false, false));
        }
    }

    /** Each tensor copied to {@code device} (itself when it is there already). */
    static Tensor[] on(Device device, Tensor[] in) {
        Tensor[] out = new Tensor[in.length];
        try (var off = Grad.disabled()) {
            for (int i = 0; i < in.length; i++) out[i] = in[i].to(device);
        }
        return out;
    }

    /** The floating tensors converted to {@code dtype}; integer and BOOL tensors as they are. */
    static Tensor[] cast(Tensor[] in, DType dtype) {
        Tensor[] out = new Tensor[in.length];
        try (var off = Grad.disabled()) {
            for (int i = 0; i < in.length; i++) out[i] = in[i].dtype().isFloating() ? in[i].to(dtype) : in[i];
        }
        return out;
    }

    /**
     * The layouts to compare against the contiguous inputs: each input alone in each of its {@link Strided} variants,
     * then every input at once in its k-th variant (its last one when it has fewer), so that a kernel whose fast path
     * keys on one operand being contiguous is caught too. Each entry is a name and the inputs.
     */
    static List<Map.Entry<String, Tensor[]>> layouts(Tensor[] in) {
        List<Map.Entry<String, Tensor[]>> out = new ArrayList<>();
        List<List<Strided.Variant>> variants = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            List<Strided.Variant> vs = Strided.variants(in[i]);
            variants.add(vs);
            for (Strided.Variant v : vs) out.add(Map.entry("input " + i + " as " + v.name(), replace(in, i, v.tensor())));
        }
        int most = variants.stream().mapToInt(List::size).max().orElse(0);
        for (int k = 0; in.length > 1 && k < most; k++) {
            Tensor[] all = in.clone();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < in.length; i++) {
                List<Strided.Variant> vs = variants.get(i);
                if (vs.isEmpty()) continue;
                Strided.Variant v = vs.get(Math.min(k, vs.size() - 1));
                all[i] = v.tensor();
                names.add(v.name());
            }
            out.add(Map.entry("all inputs at once as " + names, all));
        }
        return out;
    }

    /** {@code in} with input {@code at} replaced by {@code t}. */
    static Tensor[] replace(Tensor[] in, int at, Tensor t) {
        Tensor[] out = in.clone();
        out[at] = t;
        return out;
    }

    /** Null when {@code other} holds bitwise the same output and gradients, else what differs first. */
    String bitwiseMismatch(OpRun other) {
        return mismatch(other, 0);
    }

    /**
     * Null when {@code other} agrees with this (the expected run) within {@code tol} times the largest magnitude of
     * each compared tensor (at least 1), else what differs first. Integer and BOOL tensors must agree exactly.
     */
    String mismatch(OpRun other, double tol) {
        String m = compare("output", output, other.output, tol);
        if (m != null) return m;
        if (grads.length != other.grads.length)
            return "backward ran on one side only: " + grads.length + " vs " + other.grads.length + " gradients";
        for (int i = 0; i < grads.length; i++) {
            if ((grads[i] == null) != (other.grads[i] == null))
                return "gradient of floating input " + i + " is null on one side only";
            m = grads[i] == null ? null : compare("gradient of floating input " + i, grads[i], other.grads[i], tol);
            if (m != null) return m;
        }
        return null;
    }

    private static String compare(String what, Tensor e, Tensor a, double tol) {
        if (!Arrays.equals(e.shape(), a.shape()) || e.dtype() != a.dtype())
            return what + ": expected " + Props.describe(e) + " but got " + Props.describe(a);
        double[] x = e.toDoubleArray(), y = a.toDoubleArray();
        double scale = 1;
        for (double v : x) if (Double.isFinite(v)) scale = Math.max(scale, Math.abs(v));
        double allowed = e.dtype().isFloating() ? tol * scale : 0;
        for (int i = 0; i < x.length; i++) {
            boolean same = Double.doubleToLongBits(x[i]) == Double.doubleToLongBits(y[i]);
            boolean close = allowed > 0 && Math.abs(x[i] - y[i]) <= allowed;
            if (!same && !close)
                return String.format(Locale.ROOT, "%s of %s differs at flat index %d %s: expected %s, got %s (allowed"
                        + " difference %.3g)", what, Props.describe(e), i, Jacobians.coordinates(i, e.shape()),
                        Double.toString(x[i]), Double.toString(y[i]), allowed);
        }
        return null;
    }
}
