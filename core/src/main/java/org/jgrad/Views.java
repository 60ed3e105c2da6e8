package org.jgrad;

import java.util.Arrays;
import org.jgrad.spi.Layout;
import org.jgrad.spi.View;

/** Ops that only change the layout (no element is copied), each with the rule that undoes it for gradients. */
final class Views {
    private Views() {
    }

    /** NumPy broadcasting: align right; equal sizes or 1 on one side. */
    static int[] broadcastShapes(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 1; i <= rank; i++) {
            int da = i <= a.length ? a[a.length - i] : 1, db = i <= b.length ? b[b.length - i] : 1;
            if (da != db && da != 1 && db != 1)
                throw Errors.arg(op, "shapes " + Errors.shape(a) + " and " + Errors.shape(b) + " cannot broadcast:"
                        + " dimension " + -i + " is " + da + " in one and " + db + " in the other");
            out[rank - i] = da == 1 ? db : da;
        }
        return out;
    }

    static Tensor view(String op, Tensor x, Layout layout, Node.Rule rule) {
        Tensor out = new Tensor(x.device, x.storage, layout);
        return Autograd.record(op, out, new Tensor[] {x}, new Tensor[0], rule);
    }

    static Tensor reshape(Tensor x, int[] shape, boolean allowCopy) {
        String op = allowCopy ? "reshape" : "view";
        int[] target = inferShape(op, x, shape);
        if (Arrays.equals(target, x.layout.shape())) return x;
        int[] strides = viewStrides(x.layout.shape(), x.layout.strides(), target);
        if (strides == null) {
            if (!allowCopy)
                throw Errors.arg(op, "cannot view " + Errors.describe(x) + " with strides "
                        + Arrays.toString(x.layout.strides()) + " as " + Errors.shape(target)
                        + " without a copy; use reshape() or contiguous() first");
            return reshape(contiguous(x), target, false);
        }
        int[] from = x.layout.shape();
        return view(op, x, new Layout(target, strides, x.layout.offset()), g -> new Tensor[] {g.reshape(from)});
    }

    private static int[] inferShape(String op, Tensor x, int[] shape) {
        int infer = -1, known = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == -1) {
                if (infer >= 0) throw Errors.arg(op, "only one dimension can be -1, got " + Errors.shape(shape));
                infer = d;
            } else if (shape[d] < 0) {
                throw Errors.arg(op, "negative dimension in " + Errors.shape(shape));
            } else {
                known = Math.multiplyExact(known, shape[d]);
            }
        }
        int[] out = shape.clone();
        if (infer >= 0) {
            if (known == 0 || x.numel() % known != 0)
                throw Errors.arg(op, "cannot infer the -1 in " + Errors.shape(shape) + " for " + Errors.describe(x));
            out[infer] = x.numel() / known;
        }
        if (Layout.numel(out) != x.numel())
            throw Errors.arg(op, "cannot reshape " + Errors.describe(x) + " (" + x.numel() + " elements) to "
                    + Errors.shape(shape) + " (" + Layout.numel(out) + " elements)");
        return out;
    }

    /**
     * Strides that show the same elements in {@code shape}, or null when no strides can (PyTorch's rule: each
     * run of old dimensions that is contiguous in memory may be split or merged freely).
     */
    static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] shape) {
        if (Layout.numel(shape) == 0 || oldShape.length == 0) return Layout.contiguousStrides(shape);
        int[] strides = new int[shape.length];
        int viewD = shape.length - 1;
        int chunkBase = oldStrides[oldStrides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = oldShape.length - 1; d >= 0; d--) {
            tensorNumel *= oldShape[d];
            if (d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] == 1)) {
                    strides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= shape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? strides : null;
    }

    static Tensor flatten(Tensor x, int start, int end) {
        if (x.rank() == 0) return x.reshape(1);
        int s = Errors.axis("flatten", start, x.rank()), e = Errors.axis("flatten", end, x.rank());
        if (s > e) throw Errors.arg("flatten", "start dimension " + start + " comes after end dimension " + end);
        int[] shape = x.layout.shape();
        int[] out = new int[shape.length - (e - s)];
        System.arraycopy(shape, 0, out, 0, s);
        out[s] = Layout.numel(Arrays.copyOfRange(shape, s, e + 1));
        System.arraycopy(shape, e + 1, out, s + 1, shape.length - e - 1);
        return x.reshape(out);
    }

    static Tensor permute(Tensor x, int[] dims) {
        int rank = x.rank();
        if (dims.length != rank)
            throw Errors.arg("permute", Arrays.toString(dims) + " names " + dims.length + " dimensions of "
                    + Errors.describe(x) + ", expected " + rank);
        int[] shape = new int[rank], strides = new int[rank], inverse = new int[rank];
        boolean[] used = new boolean[rank];
        boolean identity = true;
        for (int i = 0; i < rank; i++) {
            int d = Errors.axis("permute", dims[i], rank);
            if (used[d]) throw Errors.arg("permute", Arrays.toString(dims) + " repeats dimension " + d);
            used[d] = true;
            shape[i] = x.layout.shape()[d];
            strides[i] = x.layout.strides()[d];
            inverse[d] = i;
            identity &= d == i;
        }
        if (identity) return x;
        return view("permute", x, new Layout(shape, strides, x.layout.offset()), g -> new Tensor[] {g.permute(inverse)});
    }

    static Tensor transpose(Tensor x, int a, int b) {
        int[] dims = new int[x.rank()];
        for (int i = 0; i < dims.length; i++) dims[i] = i;
        int i = Errors.axis("transpose", a, x.rank()), j = Errors.axis("transpose", b, x.rank());
        dims[i] = j;
        dims[j] = i;
        return permute(x, dims);
    }

    static Tensor expand(Tensor x, int[] shape) {
        int[] from = x.layout.shape();
        if (shape.length < from.length)
            throw Errors.arg("expand", "cannot expand " + Errors.describe(x) + " to fewer dimensions " + Errors.shape(shape));
        int lead = shape.length - from.length;
        int[] out = new int[shape.length], strides = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            int src = d - lead, want = shape[d];
            if (src < 0) {
                if (want < 0) throw Errors.arg("expand", "-1 is not allowed for the new dimension " + d + " in " + Errors.shape(shape));
                out[d] = want;
                continue;
            }
            int have = from[src];
            if (want == -1 || want == have) {
                out[d] = have;
                strides[d] = x.layout.strides()[src];
            } else if (have == 1 && want >= 0) {
                out[d] = want;
            } else {
                throw Errors.arg("expand", "cannot expand " + Errors.describe(x) + " to " + Errors.shape(shape)
                        + ": dimension " + d + " has size " + have + ", expected 1 or " + want);
            }
        }
        if (Arrays.equals(out, from)) return x;
        return view("expand", x, new Layout(out, strides, x.layout.offset()), g -> new Tensor[] {g.sumTo(from)});
    }

    static Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = Errors.axis("narrow", dim, x.rank());
        int size = x.layout.shape()[d];
        if (start < 0 || length < 0 || start + length > size)
            throw Errors.arg("narrow", "elements " + start + " to " + (start + length - 1) + " do not fit dimension "
                    + d + " (size " + size + ") of " + Errors.describe(x));
        if (start == 0 && length == size) return x;
        int[] shape = x.layout.shape().clone();
        shape[d] = length;
        int offset = x.layout.offset() + start * x.layout.strides()[d];
        int[] pads = new int[2 * x.rank()];
        pads[2 * (x.rank() - 1 - d)] = start;
        pads[2 * (x.rank() - 1 - d) + 1] = size - start - length;
        return view("narrow", x, new Layout(shape, x.layout.strides(), offset), g -> new Tensor[] {g.pad(pads)});
    }

    static Tensor squeeze(Tensor x, int dim) {
        int d = Errors.axis("squeeze", dim, x.rank());
        if (x.layout.shape()[d] != 1)
            throw Errors.arg("squeeze", "dimension " + dim + " of " + Errors.describe(x) + " has size "
                    + x.layout.shape()[d] + ", expected 1");
        int[] shape = new int[x.rank() - 1];
        for (int i = 0, j = 0; i < x.rank(); i++) if (i != d) shape[j++] = x.layout.shape()[i];
        return x.view(shape);
    }

    static Tensor unsqueeze(Tensor x, int dim) {
        int d = Errors.axis("unsqueeze", dim, x.rank() + 1);
        int[] shape = new int[x.rank() + 1];
        for (int i = 0, j = 0; i < shape.length; i++) shape[i] = i == d ? 1 : x.layout.shape()[j++];
        return x.view(shape);
    }

    static Tensor asStrided(Tensor x, int[] shape, int[] strides, int offset) {
        Factories.checkShape("asStrided", shape);
        if (shape.length != strides.length)
            throw Errors.arg("asStrided", "shape " + Errors.shape(shape) + " and strides " + Arrays.toString(strides)
                    + " differ in rank");
        for (int s : strides)
            if (s < 0) throw Errors.arg("asStrided", "negative stride in " + Arrays.toString(strides));
        Layout rel = new Layout(shape, strides, offset);
        if (offset < 0 || (rel.numel() > 0 && rel.extent() > x.numel()))
            throw Errors.arg("asStrided", "shape " + Errors.shape(shape) + ", strides " + Arrays.toString(strides)
                    + " and offset " + offset + " reach element " + (rel.extent() - 1) + " of " + Errors.describe(x)
                    + ", which has " + x.numel());
        Tensor c = contiguous(x);
        int[] from = x.layout.shape();
        Layout layout = new Layout(shape, strides, c.layout.offset() + offset);
        return view("asStrided", c, layout, g -> new Tensor[] {asStridedAdjoint(g, from, shape, strides, offset)});
    }

    /**
     * The adjoint of {@link #asStrided}: a tensor of shape {@code from} whose every element is the sum of the
     * elements of g that viewed it (overlapping windows add up), as one {@code accumulate} kernel.
     */
    static Tensor asStridedAdjoint(Tensor g, int[] from, int[] shape, int[] strides, int offset) {
        Tensor out = Factories.empty(g.device, g.dtype(), from);
        if (g.numel() > 0) g.device.backend().accumulate(g.view(), new View(out.storage, new Layout(shape, strides, offset)));
        return Autograd.record("asStridedBackward", out, new Tensor[] {g}, new Tensor[0],
                gg -> new Tensor[] {gg.asStrided(shape, strides, offset)});
    }

    static Tensor contiguous(Tensor x) {
        return x.layout.isContiguous() ? x : copy(x);
    }

    static Tensor copy(Tensor x) {
        Tensor out = Factories.empty(x.device, x.dtype(), x.layout.shape());
        x.device.backend().copy(x.view(), out.view());
        return Autograd.record("copy", out, new Tensor[] {x}, new Tensor[0], g -> new Tensor[] {g});
    }

    static Tensor sumTo(Tensor g, int[] shape) {
        int[] from = g.layout.shape();
        if (Arrays.equals(from, shape)) return g;
        int[] b = broadcastShapes("sumTo", shape, from);
        if (!Arrays.equals(b, from))
            throw Errors.arg("sumTo", "cannot sum " + Errors.describe(g) + " down to " + Errors.shape(shape));
        int lead = from.length - shape.length;
        int[] axes = new int[from.length];
        int n = 0;
        for (int d = 0; d < from.length; d++)
            if (d < lead || (shape[d - lead] == 1 && from[d] != 1)) axes[n++] = d;
        return n == 0 ? g.reshape(shape) : g.sum(Arrays.copyOf(axes, n), true).reshape(shape);
    }
}
