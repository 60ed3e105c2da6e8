package org.jgrad.spi;

import java.util.Arrays;

/**
 * Where a tensor's elements live in its storage: element {@code (i0, i1, …)} is at
 * {@code offset + Σ ik·strides[k]}. A stride of 0 repeats an element (broadcasting); strides are never negative.
 * The arrays are copied on the way in and must not be mutated by callers that read them.
 */
public record Layout(int[] shape, int[] strides, int offset) {

    public Layout {
        shape = shape.clone();
        strides = strides.clone();
        if (shape.length != strides.length)
            throw new IllegalArgumentException("layout: shape " + Arrays.toString(shape) + " and strides "
                    + Arrays.toString(strides) + " differ in rank");
    }

    /** The row-major layout of a fresh tensor of this shape. */
    public static Layout contiguous(int... shape) {
        return new Layout(shape, contiguousStrides(shape), 0);
    }

    /** Row-major strides of {@code shape}. */
    public static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc = Math.multiplyExact(acc, Math.max(shape[d], 1));
        }
        return s;
    }

    /** Number of elements: the product of the shape. */
    public static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return numel(shape);
    }

    /** True when the elements are dense and row-major (size-1 dimensions may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) return true;
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** The storage position of the element at row-major position {@code flat}. */
    public int offsetOf(int flat) {
        int pos = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            int n = shape[d];
            pos += (flat % n) * strides[d];
            flat /= n;
        }
        return pos;
    }

    /** One past the largest storage position this layout reaches (offset when it has no elements). */
    public long extent() {
        long last = offset;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) return offset;
            last += (long) (shape[d] - 1) * strides[d];
        }
        return last + 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && offset == l.offset && Arrays.equals(shape, l.shape)
                && Arrays.equals(strides, l.strides);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(strides)) + offset;
    }

    @Override
    public String toString() {
        return "Layout" + Arrays.toString(shape) + " strides " + Arrays.toString(strides) + " offset " + offset;
    }
}
