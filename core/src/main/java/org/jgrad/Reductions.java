package org.jgrad;

import java.util.Arrays;
import org.jgrad.spi.Layout;
import org.jgrad.spi.ReduceOp;

/** Reductions over any set of axes: one kernel call over a layout that puts the reduced axes last. */
final class Reductions {
    private Reductions() {
    }

    /** The axes to reduce, sorted and normalized; none given means all. */
    static int[] axes(String op, Tensor x, int[] axes) {
        if (axes.length == 0) {
            int[] all = new int[x.rank()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        boolean[] seen = new boolean[x.rank()];
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int a = Errors.axis(op, axes[i], x.rank());
            if (seen[a]) throw Errors.arg(op, "axis " + axes[i] + " is given twice in " + Arrays.toString(axes));
            seen[a] = true;
            out[i] = a;
        }
        Arrays.sort(out);
        return out;
    }

    /** x's shape with the reduced axes set to 1. */
    static int[] keptShape(Tensor x, int[] axes) {
        int[] s = x.layout.shape().clone();
        for (int a : axes) s[a] = 1;
        return s;
    }

    static Tensor reduce(ReduceOp op, Tensor x, int[] axesIn, boolean keepDim) {
        String name = op.name().toLowerCase();
        int[] axes = axes(name, x, axesIn);
        if (x.dtype() == DType.BOOL && op != ReduceOp.SUM) x = x.to(DType.I32);
        DType outType = op == ReduceOp.SUM && !x.dtype().isFloating() ? DType.I32 : x.dtype();
        Tensor out = kernel(name, op, x, axes, outType);
        Tensor in = x, y = out;
        int[] kept = keptShape(x, axes), from = x.layout.shape();
        out = Autograd.record(name, out, new Tensor[] {x}, op == ReduceOp.SUM ? new Tensor[0] : new Tensor[] {x, y},
                g -> new Tensor[] {switch (op) {
                    case SUM -> g.reshape(kept).expand(from);
                    // the gradient goes to the extreme elements, split evenly among ties
                    case MAX, MIN -> {
                        Tensor hit = in.eq(y.reshape(kept)).to(g.dtype());
                        yield g.reshape(kept).mul(hit).div(hit.sum(axes, true));
                    }
                    case ARGMAX, ARGMIN -> throw new AssertionError(op);
                }});
        return keepDim ? out.reshape(kept) : out;
    }

    /** Runs the reduction kernel: reduced axes moved last in the layout, output of the kept axes. */
    private static Tensor kernel(String name, ReduceOp op, Tensor x, int[] axes, DType outType) {
        int rank = x.rank();
        int[] perm = new int[rank];
        boolean[] reduced = new boolean[rank];
        for (int a : axes) reduced[a] = true;
        int k = 0;
        for (int d = 0; d < rank; d++) if (!reduced[d]) perm[k++] = d;
        int[] outShape = new int[k];
        for (int i = 0; i < k; i++) outShape[i] = x.layout.shape()[perm[i]];
        for (int a : axes) {
            if (op != ReduceOp.SUM && x.layout.shape()[a] == 0)
                throw Errors.arg(name, "cannot reduce over dimension " + a + " of " + Errors.describe(x)
                        + ": it has no elements");
            perm[k++] = a;
        }
        int[] shape = new int[rank], strides = new int[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = x.layout.shape()[perm[i]];
            strides[i] = x.layout.strides()[perm[i]];
        }
        Tensor out = Factories.empty(x.device, outType, outShape);
        if (out.numel() > 0)
            x.device.backend().reduce(op, new org.jgrad.spi.View(x.storage, new Layout(shape, strides, x.layout.offset())),
                    axes.length, out.view());
        return out;
    }

    static Tensor arg(ReduceOp op, Tensor x, Integer axis, boolean keepDim) {
        String name = op.name().toLowerCase();
        if (x.dtype() == DType.BOOL) x = x.to(DType.I32);
        if (axis == null) {
            Tensor flat = x.reshape(-1);
            Tensor out = kernel(name, op, flat, new int[] {0}, DType.I32);
            return keepDim ? out.reshape(keptShape(x, axes(name, x, new int[0]))) : out;
        }
        int[] axes = {Errors.axis(name, axis, x.rank())};
        Tensor out = kernel(name, op, x, axes, DType.I32);
        return keepDim ? out.reshape(keptShape(x, axes)) : out;
    }

    static int count(Tensor x, int[] axes) {
        int n = 1;
        for (int a : axes) n *= x.layout.shape()[a];
        return n;
    }

    static Tensor mean(Tensor x, int[] axesIn, boolean keepDim) {
        try (var scope = Autograd.composite("mean")) {
            if (!x.dtype().isFloating()) x = x.to(DType.F32);
            int[] axes = axes("mean", x, axesIn);
            return x.sum(axes, keepDim).div(count(x, axes));
        }
    }

    /** {@code op} is "var" or "std", the name errors report. */
    static Tensor var(String op, Tensor x, int[] axesIn, int correction, boolean keepDim) {
        try (var scope = Autograd.composite(op)) {
            if (!x.dtype().isFloating()) x = x.to(DType.F32);
            int[] axes = axes(op, x, axesIn);
            if (correction < 0) throw Errors.arg(op, "negative correction " + correction);
            Tensor d = x.sub(x.mean(axes, true));
            return d.square().sum(axes, keepDim).div(Math.max(0, count(x, axes) - correction));
        }
    }

    static Tensor logsumexp(Tensor x, int[] axesIn, boolean keepDim) {
        try (var scope = Autograd.composite("logsumexp")) {
            if (!x.dtype().isFloating()) x = x.to(DType.F32);
            int[] axes = axes("logsumexp", x, axesIn);
            // an empty block has no maximum: shift by 0, and its sum of exponentials is 0, its logsumexp −∞
            Tensor m = count(x, axes) == 0 ? Factories.full(x.device, x.dtype(), 0, keptShape(x, axes)) : x.detach().max(axes, true);
            // an all −∞ (or +∞) block would give ∞ − ∞ = NaN: shift by 0 there instead
            m = Tensor.where(m.abs().lt(Double.POSITIVE_INFINITY), m, m.like(0));
            Tensor out = x.sub(m).exp().sum(axes, true).log().add(m);
            return keepDim ? out : out.reshape(reducedShape(x, axes));
        }
    }

    static int[] reducedShape(Tensor x, int[] axes) {
        int[] shape = new int[x.rank() - axes.length];
        int k = 0;
        for (int d = 0; d < x.rank(); d++) if (Arrays.binarySearch(axes, d) < 0) shape[k++] = x.layout.shape()[d];
        return shape;
    }
}
