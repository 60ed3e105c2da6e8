package org.jgrad.spi;

/**
 * Walks the elements of a shape in row-major order and tracks, for several layouts of that shape at once, the
 * storage position of the current element: the odometer every scalar kernel uses.
 */
public final class StridedLoop {

    /** Receives the storage positions of the current element, one per layout, in a reused array. */
    public interface Body {
        void at(int[] positions);
    }

    private StridedLoop() {
    }

    /** Calls {@code body} once per element of {@code shape}; each layout must have that shape. */
    public static void run(int[] shape, Body body, Layout... layouts) {
        int rank = shape.length, n = layouts.length;
        for (int d : shape) if (d == 0) return;
        int[] pos = new int[n];
        int[][] strides = new int[n][];
        for (int k = 0; k < n; k++) {
            pos[k] = layouts[k].offset();
            strides[k] = layouts[k].strides();
        }
        int[] idx = new int[rank];
        while (true) {
            body.at(pos);
            int d = rank - 1;
            for (; d >= 0; d--) {
                idx[d]++;
                for (int k = 0; k < n; k++) pos[k] += strides[k][d];
                if (idx[d] < shape[d]) break;
                for (int k = 0; k < n; k++) pos[k] -= strides[k][d] * shape[d];
                idx[d] = 0;
            }
            if (d < 0) return;
        }
    }
}
