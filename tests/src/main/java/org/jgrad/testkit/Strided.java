package org.jgrad.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.jgrad.DType;
import org.jgrad.Grad;
import org.jgrad.Tensor;
import org.jgrad.spi.Layout;

/**
 * Non-contiguous twins of a tensor, for testing that kernels honour strides and offsets: each {@link Variant}
 * holds the same values as the original in the same shape and dtype on the same device, laid out differently.
 * Several live inside a larger buffer whose other elements are poison (NaN, or an extreme integer), so a kernel
 * that reads an element outside the view produces a visibly wrong result rather than a plausible one.
 * <pre>{@code
 * for (var v : Strided.variants(x))
 *     assertArrayEquals(x.exp().toDoubleArray(), v.tensor().exp().toDoubleArray(), v.name());
 * }</pre>
 */
public final class Strided {
    /**
     * Where the offset view starts in its buffer: odd and not a multiple of any vector width, so a kernel that
     * assumes aligned or zero-offset data reads the wrong elements.
     */
    private static final int OFFSET = 3;

    /**
     * A view of the same values as the original with another layout.
     *
     * @param name   what layout it is, for failure messages
     * @param tensor the view: same shape, dtype, device and values as the original
     */
    public record Variant(String name, Tensor tensor) {
    }

    private Strided() {
    }

    /**
     * The variants of {@code t} that make sense for its shape: the transpose of a transposed copy (in the last two
     * dimensions larger than 1, when there are two); a slice of a poisoned buffer with a border of poison around every
     * dimension and a poison element after each one (any rank, 0-d and empty included); a contiguous view at an odd
     * offset in a poisoned buffer; the poisoned slice with stride 0 on its size-1 dimensions, as {@code expand} makes
     * them (when t has one); a rotated copy rotated back (rank ≥ 3). The copies are kept only when their layout is not dense, so every variant is non-contiguous or
     * starts at a non-zero offset. Each is a leaf that shares no storage with {@code t} and requires grad exactly
     * when {@code t} does; t is not modified.
     */
    public static List<Variant> variants(Tensor t) {
        List<Variant> out = new ArrayList<>();
        int[] shape = t.shape();
        try (var off = Grad.disabled()) {
            Tensor x = t.detach();
            int[] wide = IntStream.range(0, shape.length).filter(d -> shape[d] > 1).toArray();
            if (wide.length >= 2) {                             // swapping a size-1 dimension would move nothing
                int a = wide[wide.length - 2], b = wide[wide.length - 1];
                addIfStrided(out, "transpose of a transposed copy (dims " + a + ", " + b + ")",
                        x.transpose(a, b).copy().transpose(a, b));
            }
            int[] strides = sliceStrides(shape);
            int sliceOffset = Arrays.stream(strides).sum() + 1;   // index 1 in every padded dimension, odd position
            out.add(new Variant("poisoned slice", poisoned(x, strides, sliceOffset)));
            out.add(new Variant("offset " + OFFSET, poisoned(x, Layout.contiguousStrides(shape), OFFSET)));
            int[] expanded = strides.clone();
            List<Integer> ones = new ArrayList<>();
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] == 1) {
                    expanded[d] = 0;
                    ones.add(d);
                }
            }
            if (!ones.isEmpty())
                out.add(new Variant("poisoned slice, size-1 dims " + ones + " expanded (stride 0)",
                        poisoned(x, expanded, sliceOffset)));
            if (shape.length >= 3) addIfStrided(out, "rotated copy rotated back", rotatedBack(x));
        }
        if (t.requiresGrad()) for (Variant v : out) v.tensor().requiresGrad(true);
        return List.copyOf(out);
    }

    /** Adds the variant unless its layout came out dense (size-1 or empty dimensions make a transpose trivial). */
    private static void addIfStrided(List<Variant> out, String name, Tensor t) {
        if (!t.isContiguous()) out.add(new Variant(name, t));
    }

    /**
     * The value that fills a buffer around a view: NaN for floating dtypes (it propagates through any arithmetic),
     * the most negative value for integers, true for BOOL (the only value a BOOL can hold besides false).
     */
    public static double poison(DType dtype) {
        return switch (dtype) {
            case F32, F64 -> Double.NaN;
            case I32 -> Integer.MIN_VALUE;
            case I8 -> Byte.MIN_VALUE;
            case BOOL -> 1;
        };
    }

    /**
     * Strides of a buffer with each dimension padded by one element on both sides and every last-dimension element
     * followed by a poison one: {@code 2 · contiguousStrides(shape + 2)}, so no dimension is dense.
     */
    private static int[] sliceStrides(int[] shape) {
        int[] padded = new int[shape.length];
        for (int d = 0; d < shape.length; d++) padded[d] = shape[d] + 2;
        int[] s = Layout.contiguousStrides(padded);
        for (int d = 0; d < s.length; d++) s[d] = Math.multiplyExact(s[d], 2);
        return s;
    }

    /** A view with {@code strides} and {@code offset} into a fresh poison-filled buffer, holding x's values. */
    private static Tensor poisoned(Tensor x, int[] strides, int offset) {
        long extent = new Layout(x.shape(), strides, offset).extent();
        int size = Math.toIntExact(extent + OFFSET);          // poison after the last element as well as before
        Tensor buffer = Tensor.full(x.dtype(), poison(x.dtype()), size).to(x.device());
        return buffer.asStrided(x.shape(), strides, offset).copyFrom(x);
    }

    /** {@code x.permute(p).copy().permute(p⁻¹)} for p the rotation {@code (1, 2, …, n−1, 0)}. */
    private static Tensor rotatedBack(Tensor x) {
        int n = x.rank();
        int[] p = new int[n], inverse = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = (i + 1) % n;
            inverse[p[i]] = i;
        }
        return x.permute(p).copy().permute(inverse);
    }
}
