package org.jgrad;

import java.util.Arrays;
import java.util.function.Supplier;
import org.jgrad.spi.Layout;
import org.jgrad.spi.View;

/** Ops that assemble or index tensors: cat, stack, pad, gather, scatterAdd, indexSelect, oneHot. */
final class Structure {
    private Structure() {
    }

    static Tensor cat(int dim, Tensor[] tensors) {
        if (tensors.length == 0) throw Errors.arg("cat", "needs at least one tensor");
        Tensor first = tensors[0];
        if (first.rank() == 0) throw Errors.arg("cat", "cannot concatenate 0-d tensors; use stack");
        int d = Errors.axis("cat", dim, first.rank());
        DType t = first.dtype();
        for (Tensor x : tensors) t = DType.promote(t, x.dtype());
        int[] shape = first.layout.shape().clone();
        shape[d] = 0;
        Tensor[] in = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            Tensor x = tensors[i];
            Elementwise.sameDevice("cat", first, x);
            int[] s = x.layout.shape();
            for (int k = 0; k < shape.length; k++)
                if (s.length != shape.length || (k != d && s[k] != first.layout.shape()[k]))
                    throw Errors.arg("cat", "tensor " + i + " has shape " + Errors.shape(s) + " but tensor 0 has "
                            + Errors.shape(first.layout.shape()) + ": all dimensions but " + d + " must match");
            shape[d] += s[d];
            in[i] = x.to(t);
        }
        Tensor out = Factories.empty(first.device, t, shape);
        int[] offsets = new int[in.length];
        int at = 0;
        for (int i = 0; i < in.length; i++) {
            offsets[i] = at;
            first.device.backend().copy(in[i].view(), slice(out, d, at, in[i].layout.shape()[d]));
            at += in[i].layout.shape()[d];
        }
        return Autograd.record("cat", out, in, new Tensor[0], g -> {
            Tensor[] grads = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) grads[i] = g.narrow(d, offsets[i], in[i].layout.shape()[d]);
            return grads;
        });
    }

    /** The view of elements {@code start..start+length-1} of dimension d of a contiguous tensor. */
    private static View slice(Tensor out, int d, int start, int length) {
        int[] shape = out.layout.shape().clone();
        shape[d] = length;
        return new View(out.storage, new Layout(shape, out.layout.strides(), start * out.layout.strides()[d]));
    }

    static Tensor stack(int dim, Tensor[] tensors) {
        if (tensors.length == 0) throw Errors.arg("stack", "needs at least one tensor");
        int d = Errors.axis("stack", dim, tensors[0].rank() + 1);
        Tensor[] parts = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            if (!Arrays.equals(tensors[i].layout.shape(), tensors[0].layout.shape()))
                throw Errors.arg("stack", "tensor " + i + " has shape " + Errors.shape(tensors[i].layout.shape())
                        + " but tensor 0 has " + Errors.shape(tensors[0].layout.shape()) + ": all must match");
            parts[i] = tensors[i].unsqueeze(d);
        }
        return cat(d, parts);
    }

    static Tensor pad(Tensor x, int[] pads, double value) {
        int rank = x.rank();
        if (pads.length % 2 != 0 || pads.length > 2 * rank)
            throw Errors.arg("pad", Arrays.toString(pads) + " must hold (before, after) pairs for at most the "
                    + rank + " dimensions of " + Errors.describe(x));
        int[] lo = new int[rank], shape = x.layout.shape().clone();
        for (int i = 0; i < pads.length; i++) {
            if (pads[i] < 0) throw Errors.arg("pad", "negative padding in " + Arrays.toString(pads) + "; use narrow to crop");
            int d = rank - 1 - i / 2;
            if (i % 2 == 0) lo[d] = pads[i];
            shape[d] += pads[i];
        }
        if (Arrays.equals(shape, x.layout.shape())) return x;      // no padding: nothing to copy
        Tensor out = Factories.full(x.device, x.dtype(), value, shape);
        int offset = 0;
        for (int d = 0; d < rank; d++) offset += lo[d] * out.layout.strides()[d];
        x.device.backend().copy(x.view(), new View(out.storage, new Layout(x.layout.shape(), out.layout.strides(), offset)));
        int[] from = x.layout.shape();
        return Autograd.record("pad", out, new Tensor[] {x}, new Tensor[0], g -> {
            Tensor r = g;
            for (int d = 0; d < rank; d++) r = r.narrow(d, lo[d], from[d]);
            return new Tensor[] {r};
        });
    }

    /** Fails unless index is I32 of x's rank, fits x outside {@code axis}, and every value is in range. */
    private static void checkIndex(String op, Tensor x, int axis, Tensor index) {
        Elementwise.sameDevice(op, x, index);
        if (index.dtype() != DType.I32)
            throw Errors.arg(op, "the index must be I32, got " + Errors.describe(index));
        if (index.rank() != x.rank())
            throw Errors.arg(op, "index " + Errors.describe(index) + " and " + Errors.describe(x) + " differ in rank");
        for (int d = 0; d < x.rank(); d++)
            if (d != axis && index.layout.shape()[d] > x.layout.shape()[d])
                throw Errors.arg(op, "index " + Errors.describe(index) + " is larger than " + Errors.describe(x)
                        + " in dimension " + d);
        checkRange(op, index, x.layout.shape()[axis], () -> "dimension " + axis + " of " + Errors.describe(x));
    }

    /** {@code what} names the indexed dimension for the message, built only when the check fails. */
    static void checkRange(String op, Tensor index, int size, Supplier<String> what) {
        Integer bad = outOfRange(index, size);
        if (bad != null)
            throw Errors.arg(op, "index " + bad + " is out of range for " + what.get() + " (size " + size + ")");
    }

    /**
     * An index outside {@code [0, size)} (the smallest if one is negative, else the largest), or null when all are in
     * range. Also null, without looking, where the backend {@linkplain org.jgrad.spi.Backend#checksIndicesOnDevice checks
     * indices on the device}: every caller's indices reach a gather or scatterAdd, which records a bad one there and
     * raises it at the next host read, so the two downloads of this check are spared.
     */
    static Integer outOfRange(Tensor index, int size) {
        if (index.numel() == 0 || index.device.backend().checksIndicesOnDevice()) return null;
        int lo = (int) index.min().item(), hi = (int) index.max().item();
        return lo < 0 ? Integer.valueOf(lo) : hi >= size ? Integer.valueOf(hi) : null;
    }

    static Tensor gather(Tensor x, int axis, Tensor index) {
        int a = Errors.axis("gather", axis, x.rank());
        checkIndex("gather", x, a, index);
        return gatherChecked(x, a, index);
    }

    /**
     * gather along {@code a} for an index core has already checked or computed itself (class targets, selected rows,
     * argmax positions, the gradients of scatters): its range check would cost two reductions and two host reads.
     */
    static Tensor gatherChecked(Tensor x, int a, Tensor index) {
        int[] shape = index.layout.shape().clone();
        shape[a] = x.layout.shape()[a];
        View src = new View(x.storage, new Layout(shape, x.layout.strides(), x.layout.offset()));
        Tensor out = Factories.empty(x.device, x.dtype(), index.layout.shape());
        if (out.numel() > 0) x.device.backend().gather(src, a, index.view(), out.view());
        return Autograd.record("gather", out, new Tensor[] {x}, new Tensor[] {index},
                g -> new Tensor[] {scatterIntoZeros(x.layout.shape(), a, index, g)});
    }

    /**
     * {@code zeros(shape).scatterAdd(axis, index, src)} in one allocation (the SPI's allocate is zero-filled), for an
     * index core has already checked or computed itself: gradients routed back to gathered or pooled positions.
     */
    static Tensor scatterIntoZeros(int[] shape, int axis, Tensor index, Tensor src) {
        Tensor out = Factories.empty(src.device, src.dtype(), shape);
        if (src.numel() > 0) src.device.backend().scatterAdd(out.view(), axis, index.view(), src.view());
        return Autograd.record("scatterAdd", out, new Tensor[] {src}, new Tensor[] {index},
                g -> new Tensor[] {gatherChecked(g, axis, index)});
    }

    static Tensor scatterAdd(Tensor x, int axis, Tensor index, Tensor src) {
        int a = Errors.axis("scatterAdd", axis, x.rank());
        checkIndex("scatterAdd", x, a, index);
        if (!Arrays.equals(index.layout.shape(), src.layout.shape()))
            throw Errors.arg("scatterAdd", "index " + Errors.describe(index) + " and source " + Errors.describe(src)
                    + " must have the same shape");
        Elementwise.sameDevice("scatterAdd", x, src);
        Tensor s = src.to(x.dtype());
        Tensor out = Factories.empty(x.device, x.dtype(), x.layout.shape());
        x.device.backend().copy(x.view(), out.view());
        if (s.numel() > 0) x.device.backend().scatterAdd(out.view(), a, index.view(), s.view());
        return Autograd.record("scatterAdd", out, new Tensor[] {x, s}, new Tensor[] {index},
                g -> new Tensor[] {g, gatherChecked(g, a, index)});
    }

    static Tensor indexSelect(Tensor x, int axis, Tensor index) {
        try (var scope = Autograd.composite("indexSelect")) {
            int a = Errors.axis("indexSelect", axis, x.rank());
            if (index.rank() != 1 || index.dtype() != DType.I32)
                throw Errors.arg("indexSelect", "the index must be a 1-d I32 tensor, got " + Errors.describe(index));
            checkRange("indexSelect", index, x.layout.shape()[a], () -> "dimension " + a + " of " + Errors.describe(x));
            return indexSelectChecked(x, a, index);
        }
    }

    /** indexSelect along {@code a} for a 1-d I32 index whose range the caller has checked. */
    static Tensor indexSelectChecked(Tensor x, int a, Tensor index) {
        int[] one = new int[x.rank()], shape = x.layout.shape().clone();
        Arrays.fill(one, 1);
        one[a] = shape[a] = index.numel();
        return gatherChecked(x, a, index.reshape(one).expand(shape));
    }

    static Tensor oneHot(Tensor index, int numClasses) {
        try (var scope = Autograd.composite("oneHot")) {
            if (index.dtype() != DType.I32)
                throw Errors.arg("oneHot", "class indices must be I32, got " + Errors.describe(index));
            if (numClasses <= 0) throw Errors.arg("oneHot", "numClasses must be positive, got " + numClasses);
            checkRange("oneHot", index, numClasses, () -> numClasses + " classes");
            // a scatter of ones rather than a comparison with an uploaded [0, numClasses): no host data, and the range
            // check happens where outOfRange leaves it
            int[] shape = Arrays.copyOf(index.layout.shape(), index.rank() + 1);
            shape[index.rank()] = numClasses;
            Tensor at = index.unsqueeze(-1);
            return scatterIntoZeros(shape, index.rank(), at, Factories.full(index.device, DType.I32, 1).expand(at.layout.shape()));
        }
    }
}
