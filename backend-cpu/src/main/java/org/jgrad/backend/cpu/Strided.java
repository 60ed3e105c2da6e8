package org.jgrad.backend.cpu;

/**
 * Several operands of one shape walked together in row-major order, handed to a kernel as runs along the innermost
 * dimension. Size-1 dimensions are dropped and adjacent dimensions merged wherever every operand allows it
 * ({@code stride[d] == stride[d+1]·shape[d+1]}), so contiguous operands become one long run and a transposed or
 * broadcast one keeps as few dimensions as it needs. Strides only: callers pass each operand's offset as the walk's base.
 */
final class Strided {
    /** Receives one run: the storage position of its first element for each operand, and its length. */
    interface Run {
        void run(int[] pos, int len);
    }

    /** Runs shorter than this are worth reordering for (see {@link #anyOrder}). */
    static final int SHORT = 8;

    private final int[] shape;
    private final int[][] strides;
    private final int numel;

    private Strided(int[] shape, int[][] strides, int numel) {
        this.shape = shape;
        this.strides = strides;
        this.numel = numel;
    }

    /** The merged walk of {@code shape} for operands with these strides (one array per operand, each of shape's rank). */
    static Strided of(int[] shape, int[]... operandStrides) {
        int k = operandStrides.length, rank = 0, numel = 1;
        int[] s = new int[Math.max(1, shape.length)];
        int[][] st = new int[k][s.length];
        for (int d = 0; d < shape.length; d++) {
            numel *= shape[d];
            if (shape[d] == 1) continue;
            if (rank > 0 && mergeable(operandStrides, d, st, rank - 1, shape[d])) {
                s[rank - 1] *= shape[d];
                for (int o = 0; o < k; o++) st[o][rank - 1] = operandStrides[o][d];
                continue;
            }
            s[rank] = shape[d];
            for (int o = 0; o < k; o++) st[o][rank] = operandStrides[o][d];
            rank++;
        }
        if (rank == 0) {            // a single element (or a rank-0 view): one run of length 1
            s[0] = 1;
            rank = 1;
        }
        int[][] trimmed = new int[k][];
        for (int o = 0; o < k; o++) trimmed[o] = java.util.Arrays.copyOf(st[o], rank);
        return new Strided(java.util.Arrays.copyOf(s, rank), trimmed, numel);
    }

    /**
     * {@link #of} for kernels whose result does not depend on the visiting order (each output written once from its
     * own inputs): when the innermost merged dimension is shorter than {@value #SHORT} (a pooling window's width),
     * the nearest dimension at least that long becomes innermost, so that the kernel gets a few long runs instead of
     * many short ones; runs cost ~20 ns each to hand over, far more than the elements of a short one.
     */
    static Strided anyOrder(int[] shape, int[]... operandStrides) {
        Strided w = of(shape, operandStrides);
        int last = w.shape.length - 1, d = last;
        while (d >= 0 && w.shape[d] < SHORT) d--;
        if (d < 0 || d == last) return w;
        int[][] st = new int[w.strides.length][];
        for (int o = 0; o < st.length; o++) st[o] = moveLast(w.strides[o], d);
        return new Strided(moveLast(w.shape, d), st, w.numel);
    }

    /** a with a[d] moved to the end, the later elements shifted down. */
    private static int[] moveLast(int[] a, int d) {
        int[] r = new int[a.length];
        System.arraycopy(a, 0, r, 0, d);
        System.arraycopy(a, d + 1, r, d, a.length - d - 1);
        r[a.length - 1] = a[d];
        return r;
    }

    /** Dimension d folds into the merged dimension m when, for every operand, stepping m equals stepping d shape[d] times. */
    private static boolean mergeable(int[][] operandStrides, int d, int[][] st, int m, int size) {
        for (int o = 0; o < operandStrides.length; o++)
            if (st[o][m] != (long) operandStrides[o][d] * size) return false;
        return true;
    }

    int numel() {
        return numel;
    }

    /** The length of the innermost merged dimension: the longest run a kernel can receive. */
    int inner() {
        return shape[shape.length - 1];
    }

    /** The stride of operand {@code k} along the runs. */
    int stride(int k) {
        return strides[k][shape.length - 1];
    }

    int rank() {
        return shape.length;
    }

    /** The length of the second-innermost merged dimension (rank ≥ 2). */
    int rows() {
        return shape[shape.length - 2];
    }

    /** The stride of operand {@code k} along the second-innermost merged dimension (rank ≥ 2). */
    int rowStride(int k) {
        return strides[k][shape.length - 2];
    }

    /** The walk of the merged dimensions before the innermost two: one element when there are none. */
    Strided outerTwo() {
        int r = Math.max(1, shape.length - 2), n = 1;
        int[] sh = new int[r];
        int[][] st = new int[strides.length][r];
        sh[0] = 1;
        for (int d = 0; d < shape.length - 2; d++) {
            sh[d] = shape[d];
            n *= shape[d];
            for (int o = 0; o < strides.length; o++) st[o][d] = strides[o][d];
        }
        return new Strided(sh, st, n);
    }

    /** Receives one plane of the innermost two dimensions: the storage position of its first element for each operand. */
    interface Plane {
        void run(int[] pos);
    }

    /** Runs shorter than this are handed over a plane of rows at a time (see {@link #forEachPlane}). */
    static final int SHORT_ROW = 64;

    /** Whether runs are short enough, and there are rows enough, that {@link #forEachPlane} pays. */
    boolean shortRows() {
        return numel > 0 && shape.length >= 2 && inner() < SHORT_ROW && rows() > 1;
    }

    /** The number of planes (innermost two dimensions) of a walk of rank ≥ 2. */
    int planes() {
        return numel / (rows() * inner());
    }

    /**
     * Calls {@code run} for the planes [from, to) in row-major order: one hand-over per plane instead of one per
     * row, for walks whose rows are short (a convolution's im2col rows of OW elements).
     */
    void forEachPlane(int from, int to, int[] base, Plane run) {
        Strided outer = outerTwo();
        int k = strides.length;
        outer.forEach(from, to, base, (p, n) -> {
            int[] q = p.clone();
            for (int e = 0; e < n; e++) {
                run.run(q);
                for (int o = 0; o < k; o++) q[o] += outer.stride(o);
            }
        });
    }

    /** Calls {@code run} for the elements [from, to) in row-major order, in runs that never cross an inner-row end. */
    void forEach(int from, int to, int[] base, Run run) {
        if (from >= to) return;
        int rank = shape.length, k = strides.length, last = rank - 1;
        int[] idx = new int[rank], pos = base.clone();
        for (int d = last, f = from; d >= 0; d--) {
            idx[d] = f % shape[d];
            f /= shape[d];
            for (int o = 0; o < k; o++) pos[o] += idx[d] * strides[o][d];
        }
        for (int at = from; at < to; ) {
            int len = Math.min(shape[last] - idx[last], to - at);
            run.run(pos, len);
            at += len;
            if (at >= to) return;
            for (int o = 0; o < k; o++) pos[o] += (shape[last] - idx[last]) * strides[o][last] - shape[last] * strides[o][last];
            idx[last] = 0;
            for (int d = last - 1; d >= 0; d--) {
                idx[d]++;
                for (int o = 0; o < k; o++) pos[o] += strides[o][d];
                if (idx[d] < shape[d]) break;
                for (int o = 0; o < k; o++) pos[o] -= strides[o][d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    /** {@link #forEach} over every element, split over {@link Parallel} in chunks of at least {@code grain} elements. */
    void parallel(int grain, int[] base, Run run) {
        Parallel.forRange(numel, grain, (from, to) -> forEach(from, to, base, run));
    }
}
