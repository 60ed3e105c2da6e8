package org.jgrad;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.Supplier;
import org.jgrad.spi.BinaryOp;

/** The only writers: a kernel writing into the destination itself, or a result computed out of place and copied in. */
final class InPlace {
    private InPlace() {
    }

    static Tensor update(String op, Tensor dst, Supplier<Tensor> result) {
        check(op, dst);
        Tensor value;
        try (var off = Grad.disabled()) {
            value = result.get();
        }
        return assign(op, dst, value);
    }

    /**
     * {@code dst = dst ∘ b} as one kernel that writes into dst itself (no temporary, no copy: an optimizer's update),
     * when b converts to dst's dtype without widening it and broadcasts to dst's shape; otherwise computed out of
     * place and copied in.
     */
    static Tensor binary(String op, Tensor dst, BinaryOp kind, Tensor b) {
        check(op, dst);
        Elementwise.sameDevice(op, dst, b);
        boolean direct = dst.dtype() != DType.BOOL && DType.promote(dst.dtype(), b.dtype()) == dst.dtype()
                && b.storage != dst.storage
                && Arrays.equals(Views.broadcastShapes(op, dst.layout.shape(), b.layout.shape()), dst.layout.shape());
        if (!direct) return update(op, dst, () -> Elementwise.binary(kind, dst, b));
        try (var off = Grad.disabled()) {
            Tensor v = b.to(dst.dtype()).expand(dst.layout.shape());
            dst.device.backend().binary(kind, dst.view(), v.view(), dst.view());
        }
        dst.storage.bumpVersion();
        return dst;
    }

    static Tensor assign(String op, Tensor dst, Tensor src) {
        check(op, dst);
        Elementwise.sameDevice(op, dst, src);
        try (var off = Grad.disabled()) {
            Tensor v = src.to(dst.dtype());
            if (v.storage == dst.storage) v = v.copy();    // reading what we overwrite: take a snapshot first
            v = v.expand(dst.layout.shape());
            dst.device.backend().copy(v.view(), dst.view());
        }
        dst.storage.bumpVersion();
        return dst;
    }

    private static void check(String op, Tensor dst) {
        if (dst.requiresGrad && Grad.isEnabled())
            throw Errors.arg(op, "cannot write in place into " + Errors.describe(dst) + ", which requires grad, while"
                    + " the graph is recorded; do it inside Grad.disabled() (as optimizers do) or on detach()");
        if (overlaps(dst))
            throw Errors.arg(op, "cannot write in place into " + Errors.describe(dst) + ": several of its elements share"
                    + " one memory location (an expanded or overlapping view); write into a contiguous() copy");
    }

    /** Whether two index tuples of the layout reach one storage position. */
    static boolean overlaps(Tensor t) {
        int[] shape = t.layout.shape(), strides = t.layout.strides();
        Integer[] dims = new Integer[shape.length];
        for (int d = 0; d < dims.length; d++) dims[d] = d;
        Arrays.sort(dims, Comparator.comparingInt(d -> strides[d]));
        long reach = 0;
        for (int d : dims) {
            if (shape[d] <= 1) continue;
            if (strides[d] <= reach) return true;
            reach += (long) strides[d] * (shape[d] - 1);
        }
        return false;
    }
}
