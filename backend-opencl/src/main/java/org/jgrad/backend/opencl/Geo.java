package org.jgrad.backend.opencl;

import java.util.Arrays;
import org.jgrad.spi.Layout;

/**
 * The host side of common.cl's {@code Geo}: up to four operands of one shape, packed as ints in the struct's order
 * ({@code rank, n, shape[8], off[4], str[4][8]}). Size-1 dimensions are dropped and neighbouring dimensions that
 * every operand walks as one (stride[d] = stride[d+1]·shape[d+1]) are merged, so a contiguous operand costs one
 * division per element whatever its rank; at most {@value #MAX_RANK} dimensions may remain.
 */
final class Geo {
    static final int MAX_RANK = 8, OPERANDS = 4;
    private static final int SHAPE = 2, OFF = SHAPE + MAX_RANK, STR = OFF + OPERANDS;

    /** The packed struct, passed by value as a kernel argument. */
    final int[] packed = new int[STR + OPERANDS * MAX_RANK];
    /** Element count. */
    final int n;

    private Geo(int n) {
        this.n = n;
        packed[1] = n;
    }

    /** The geometry of {@code layouts}, all of shape {@code shape}; {@code op} names the caller in errors. */
    static Geo of(String op, int[] shape, Layout... layouts) {
        int[][] strides = new int[layouts.length][];
        int[] offsets = new int[layouts.length];
        for (int k = 0; k < layouts.length; k++) {
            strides[k] = layouts[k].strides();
            offsets[k] = layouts[k].offset();
        }
        return of(op, shape, strides, offsets);
    }

    static Geo of(String op, int[] shape, int[][] strides, int[] offsets) {
        int ops = strides.length;
        if (ops > OPERANDS) throw new IllegalArgumentException("opencl: " + op + ": more than " + OPERANDS + " operands");
        int[] dims = new int[shape.length];
        int[][] st = new int[ops][shape.length];
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (rank > 0 && mergeable(strides, d, rank, dims, st, shape[d])) {
                dims[rank - 1] *= shape[d];
                for (int k = 0; k < ops; k++) st[k][rank - 1] = strides[k][d];
                continue;
            }
            dims[rank] = shape[d];
            for (int k = 0; k < ops; k++) st[k][rank] = strides[k][d];
            rank++;
        }
        if (rank > MAX_RANK)
            throw new IllegalArgumentException("opencl: " + op + " supports at most " + MAX_RANK + " dimensions that"
                    + " cannot be merged, got shape " + Arrays.toString(shape) + " with strides "
                    + Arrays.deepToString(strides));
        Geo g = new Geo(Layout.numel(shape));
        g.packed[0] = rank;
        System.arraycopy(dims, 0, g.packed, SHAPE, rank);
        for (int k = 0; k < ops; k++) {
            g.packed[OFF + k] = offsets[k];
            System.arraycopy(st[k], 0, g.packed, STR + k * MAX_RANK, rank);
        }
        return g;
    }

    /** Whether dimension d (extent size) continues the last kept dimension in every operand. */
    private static boolean mergeable(int[][] strides, int d, int rank, int[] dims, int[][] st, int size) {
        for (int k = 0; k < strides.length; k++)
            if (st[k][rank - 1] != strides[k][d] * size) return false;
        return dims[rank - 1] > 0 && size > 0;
    }

    /**
     * Whether a layout reaches some storage position from two different elements. Sorting the dimensions by stride,
     * each stride must step past everything the smaller-stride dimensions span: a sufficient test, exact for every
     * layout that views produce (a stride-0 dimension of size above 1 overlaps).
     */
    static boolean overlaps(Layout l) {
        int r = l.rank();
        Integer[] order = new Integer[r];
        for (int d = 0; d < r; d++) order[d] = d;
        int[] s = l.strides(), n = l.shape();
        for (int d : n) if (d == 0) return false;
        Arrays.sort(order, (x, y) -> Integer.compare(s[x], s[y]));
        long span = 1;     // one past the furthest offset the smaller-stride dimensions reach from their start
        for (int d : order) {
            if (n[d] == 1) continue;
            if (s[d] < span) return true;
            span += (long) s[d] * (n[d] - 1);
        }
        return false;
    }
}
