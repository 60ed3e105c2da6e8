package org.jgrad.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jgrad.DType;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.Layout;
import org.jgrad.spi.ReduceOp;
import org.jgrad.spi.View;

/**
 * Reductions over the trailing dimensions of a view, F32 and F64. The kept (outer) and reduced (inner) dimensions are
 * each merged by {@link Strided}; a contiguous inner block is read in place, any other is gathered in blocks.
 * <p>
 * Sums are blocked and pairwise, so an F32 sum of n elements errs by O(log n) ulps, not O(n): a block of
 * {@value #BLOCK} elements is summed pairwise down to leaves of {@value #LEAF} (each vector lane adds
 * {@code LEAF / lanes} numbers in a row), and the block partials are summed pairwise again. Block boundaries are
 * fixed, never derived from the thread count, so 1 and N threads give bit-identical sums; the blocks of one long
 * sum are what a single-output reduction spreads over {@link Parallel}.
 */
final class Reduce {
    static final int BLOCK = 4096;
    static final int LEAF = 256;
    /** Column sums: columns per tile (a few KB of accumulators) and rows added in order at the leaves. */
    static final int COLUMNS = 512, ROW_LEAF = 16;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private Reduce() {
    }

    /** out[i] = op over the trailing {@code reduced} dims of x at outer index i; x is F32 or F64 (out I32 for ARG ops). */
    static void run(ReduceOp op, View x, int reduced, View out) {
        Layout l = x.layout();
        int rank = l.rank(), lead = rank - reduced;
        Strided outer = Strided.anyOrder(Arrays.copyOf(l.shape(), lead), Arrays.copyOf(l.strides(), lead), out.layout().strides());
        Strided inner = Strided.of(Arrays.copyOfRange(l.shape(), lead, rank), Arrays.copyOfRange(l.strides(), lead, rank));
        boolean contiguous = inner.numel() == inner.inner() && inner.stride(0) == 1;
        Object xa = ((HeapStorage) x.storage()).array(), oa = ((HeapStorage) out.storage()).array();
        DType xt = x.dtype(), ot = out.dtype();
        int[] pos = contiguous || inner.numel() > BLOCK ? null : positions(inner);
        int grain = Math.max(1, CpuBackend.GRAIN / Math.max(1, inner.numel()));
        outer.parallel(grain, new int[] {l.offset(), out.layout().offset()}, (p, m) -> {
            int xs = outer.stride(0), os = outer.stride(1);
            if (op == ReduceOp.SUM && pos != null && xs == 1 && m > 1) {
                columns(xt, xa, p[0], pos, m, ot, oa, p[1], os);
                return;
            }
            Object t = pos == null ? null : xt == DType.F32 ? new float[pos.length] : new double[pos.length];
            for (int j = 0; j < m; j++) {
                int b = p[0] + j * xs;
                double v = xt == DType.F32
                        ? pos != null ? reduce(op, (float[]) xa, b, pos, (float[]) t) : reduce(op, (float[]) xa, b, inner, contiguous)
                        : pos != null ? reduce(op, (double[]) xa, b, pos, (double[]) t) : reduce(op, (double[]) xa, b, inner, contiguous);
                store(ot, oa, p[1] + j * os, v);
            }
        });
    }

    /**
     * Sums of m adjacent columns (outputs j at x positions b + j + pos[k]): the bias-gradient shape, a sum over the
     * batch. Vectorised across columns, a tile of COLUMNS at a time, so each row is read as one contiguous run.
     */
    private static void columns(DType xt, Object xa, int b, int[] pos, int m, DType ot, Object oa, int o, int os) {
        int w = Math.min(m, COLUMNS), depth = 32 - Integer.numberOfLeadingZeros(pos.length);
        Object acc = xt == DType.F32 ? new float[w] : new double[w];
        Object tmp = xt == DType.F32 ? new float[depth][w] : new double[depth][w];
        for (int j0 = 0; j0 < m; j0 += w) {
            int n = Math.min(w, m - j0);
            if (xt == DType.F32) columns((float[]) xa, b + j0, pos, 0, pos.length, (float[]) acc, n, (float[][]) tmp, 0);
            else columns((double[]) xa, b + j0, pos, 0, pos.length, (double[]) acc, n, (double[][]) tmp, 0);
            for (int j = 0; j < n; j++)
                store(ot, oa, o + (j0 + j) * os, xt == DType.F32 ? ((float[]) acc)[j] : ((double[]) acc)[j]);
        }
    }

    /**
     * The relative positions of a small strided block's elements, listed once per call, so that each output (a
     * pooling window, a column) reads them without walking the layout again.
     */
    private static int[] positions(Strided inner) {
        int[] pos = new int[inner.numel()], at = {0};
        int s = inner.stride(0);
        inner.forEach(0, pos.length, new int[] {0}, (p, m) -> {
            for (int j = 0; j < m; j++) pos[at[0]++] = p[0] + j * s;
        });
        return pos;
    }

    private static void store(DType t, Object a, int at, double v) {
        switch (t) {
            case F32 -> ((float[]) a)[at] = (float) v;
            case F64 -> ((double[]) a)[at] = v;
            case I32 -> ((int[]) a)[at] = (int) v;
            case I8, BOOL -> throw new IllegalArgumentException("cpu backend: reduce cannot write " + t);
        }
    }

    /** Whether v replaces the current extreme: NaN wins once and is kept, as the reference does. */
    private static boolean better(double v, double cur, boolean max) {
        if (cur != cur) return false;
        if (v != v) return true;
        return max ? v > cur : v < cur;
    }

    /** op over the inner block at position b; the index for ARGMAX/ARGMIN. */
    static double reduce(ReduceOp op, float[] x, int b, Strided inner, boolean contiguous) {
        int n = inner.numel();
        return switch (op) {
            case SUM -> contiguous && n <= BLOCK ? sum(x, b, n) : blockedSum(x, b, inner, contiguous, n);
            case MAX -> contiguous ? max(x, b, n) : extreme(x, b, inner, true, false);
            case MIN -> contiguous ? min(x, b, n) : extreme(x, b, inner, false, false);
            case ARGMAX -> extreme(x, b, inner, true, true);
            case ARGMIN -> extreme(x, b, inner, false, true);
        };
    }

    /** op over the block at b + pos[k] (k < pos.length ≤ BLOCK), gathered into t for a sum as blockedSum would. */
    static double reduce(ReduceOp op, float[] x, int b, int[] pos, float[] t) {
        int n = pos.length;
        switch (op) {
            case SUM -> {
                for (int k = 0; k < n; k++) t[k] = x[b + pos[k]];
                return sum(t, 0, n);
            }
            case MAX, MIN -> {
                float r = x[b + pos[0]];
                if (op == ReduceOp.MAX) for (int k = 1; k < n; k++) r = Math.max(r, x[b + pos[k]]);
                else for (int k = 1; k < n; k++) r = Math.min(r, x[b + pos[k]]);
                return r;
            }
            case ARGMAX, ARGMIN -> {
                boolean max = op == ReduceOp.ARGMAX;
                float cur = x[b + pos[0]];
                int best = 0;
                for (int k = 1; k < n; k++) {
                    float v = x[b + pos[k]];
                    if (better(v, cur, max)) {
                        cur = v;
                        best = k;
                    }
                }
                return best;
            }
        }
        throw new AssertionError(op);
    }

    /**
     * acc[j] = Σ_{k0 ≤ k < k1} x[b + j + pos[k]] for j < m, pairwise over k down to leaves of ROW_LEAF rows added in
     * order, so a column sum errs by O(log n) ulps like the row sums; tmp[depth] holds the right half's sums.
     */
    private static void columns(float[] x, int b, int[] pos, int k0, int k1, float[] acc, int m, float[][] tmp, int depth) {
        if (k1 - k0 <= ROW_LEAF) {
            Arrays.fill(acc, 0, m, 0);
            for (int k = k0; k < k1; k++) Elementwise.add(acc, 0, 1, x, b + pos[k], 1, acc, 0, m);
            return;
        }
        int h = (k0 + k1) >>> 1;
        columns(x, b, pos, k0, h, acc, m, tmp, depth + 1);
        columns(x, b, pos, h, k1, tmp[depth], m, tmp, depth + 1);
        Elementwise.add(acc, 0, 1, tmp[depth], 0, 1, acc, 0, m);
    }

    /** Block partials (in parallel when this is the only output being reduced), then their pairwise sum. */
    private static float blockedSum(float[] x, int b, Strided inner, boolean contiguous, int n) {
        float[] partial = new float[(n + BLOCK - 1) / BLOCK];
        Parallel.forRange(partial.length, Math.max(1, CpuBackend.GRAIN / BLOCK), (from, to) -> {
            float[] t = contiguous ? null : new float[Math.min(n, BLOCK)];
            for (int k = from; k < to; k++) {
                int at = k * BLOCK, len = Math.min(BLOCK, n - at);
                if (contiguous) partial[k] = sum(x, b + at, len);
                else {
                    gather(x, b, inner, t, at, len);
                    partial[k] = sum(t, 0, len);
                }
            }
        });
        return sum(partial, 0, partial.length);
    }

    /** t[0, len) = the inner elements [from, from + len) in row-major order. */
    private static void gather(float[] x, int b, Strided inner, float[] t, int from, int len) {
        int s = inner.stride(0);
        int[] at = {0};
        inner.forEach(from, from + len, new int[] {b}, (p, m) -> {
            if (s == 1 && m >= 32) System.arraycopy(x, p[0], t, at[0], m);   // long runs: a bias gradient's planes
            else for (int j = 0; j < m; j++) t[at[0] + j] = x[p[0] + j * s];
            at[0] += m;
        });
    }

    /** Σ x[o, o + n) pairwise: halves summed apart down to vector leaves of at most LEAF elements. */
    static float sum(float[] x, int o, int n) {
        if (n > LEAF) {
            int h = (n / 2 + F.length() - 1) / F.length() * F.length();
            return sum(x, o, h) + sum(x, o + h, n - h);
        }
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) acc = acc.add(FloatVector.fromArray(F, x, o + i));
        float s = VectorMath.sum(acc);
        for (; i < n; i++) s += x[o + i];
        return s;
    }

    /** max of x[o, o + n), n ≥ 1, NaN if any is NaN (Math.max in every lane and across lanes). */
    static float max(float[] x, int o, int n) {
        FloatVector acc = FloatVector.broadcast(F, x[o]);
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) acc = acc.max(FloatVector.fromArray(F, x, o + i));
        float r = x[o];
        for (float v : acc.toArray()) r = Math.max(r, v);
        for (; i < n; i++) r = Math.max(r, x[o + i]);
        return r;
    }

    static float min(float[] x, int o, int n) {
        FloatVector acc = FloatVector.broadcast(F, x[o]);
        int i = 0;
        for (; i < F.loopBound(n); i += F.length()) acc = acc.min(FloatVector.fromArray(F, x, o + i));
        float r = x[o];
        for (float v : acc.toArray()) r = Math.min(r, v);
        for (; i < n; i++) r = Math.min(r, x[o + i]);
        return r;
    }

    /** The first extreme element of the block (scalar, in row-major order): its value, or its index when asked. */
    private static double extreme(float[] x, int b, Strided inner, boolean max, boolean index) {
        int s = inner.stride(0);
        float[] cur = {0};
        int[] best = {-1}, k = {0};
        inner.forEach(0, inner.numel(), new int[] {b}, (p, m) -> {
            for (int j = 0; j < m; j++, k[0]++) {
                float v = x[p[0] + j * s];
                if (best[0] < 0 || better(v, cur[0], max)) {
                    cur[0] = v;
                    best[0] = k[0];
                }
            }
        });
        return index ? best[0] : cur[0];
    }

    /** op over the inner block at position b; the index for ARGMAX/ARGMIN. */
    static double reduce(ReduceOp op, double[] x, int b, Strided inner, boolean contiguous) {
        int n = inner.numel();
        return switch (op) {
            case SUM -> contiguous && n <= BLOCK ? sum(x, b, n) : blockedSum(x, b, inner, contiguous, n);
            case MAX -> contiguous ? max(x, b, n) : extreme(x, b, inner, true, false);
            case MIN -> contiguous ? min(x, b, n) : extreme(x, b, inner, false, false);
            case ARGMAX -> extreme(x, b, inner, true, true);
            case ARGMIN -> extreme(x, b, inner, false, true);
        };
    }

    /** op over the block at b + pos[k] (k < pos.length ≤ BLOCK), gathered into t for a sum as blockedSum would. */
    static double reduce(ReduceOp op, double[] x, int b, int[] pos, double[] t) {
        int n = pos.length;
        switch (op) {
            case SUM -> {
                for (int k = 0; k < n; k++) t[k] = x[b + pos[k]];
                return sum(t, 0, n);
            }
            case MAX, MIN -> {
                double r = x[b + pos[0]];
                if (op == ReduceOp.MAX) for (int k = 1; k < n; k++) r = Math.max(r, x[b + pos[k]]);
                else for (int k = 1; k < n; k++) r = Math.min(r, x[b + pos[k]]);
                return r;
            }
            case ARGMAX, ARGMIN -> {
                boolean max = op == ReduceOp.ARGMAX;
                double cur = x[b + pos[0]];
                int best = 0;
                for (int k = 1; k < n; k++) {
                    double v = x[b + pos[k]];
                    if (better(v, cur, max)) {
                        cur = v;
                        best = k;
                    }
                }
                return best;
            }
        }
        throw new AssertionError(op);
    }

    /**
     * acc[j] = Σ_{k0 ≤ k < k1} x[b + j + pos[k]] for j < m, pairwise over k down to leaves of ROW_LEAF rows added in
     * order, so a column sum errs by O(log n) ulps like the row sums; tmp[depth] holds the right half's sums.
     */
    private static void columns(double[] x, int b, int[] pos, int k0, int k1, double[] acc, int m, double[][] tmp, int depth) {
        if (k1 - k0 <= ROW_LEAF) {
            Arrays.fill(acc, 0, m, 0);
            for (int k = k0; k < k1; k++) Elementwise.add(acc, 0, 1, x, b + pos[k], 1, acc, 0, m);
            return;
        }
        int h = (k0 + k1) >>> 1;
        columns(x, b, pos, k0, h, acc, m, tmp, depth + 1);
        columns(x, b, pos, h, k1, tmp[depth], m, tmp, depth + 1);
        Elementwise.add(acc, 0, 1, tmp[depth], 0, 1, acc, 0, m);
    }

    /** Block partials (in parallel when this is the only output being reduced), then their pairwise sum. */
    private static double blockedSum(double[] x, int b, Strided inner, boolean contiguous, int n) {
        double[] partial = new double[(n + BLOCK - 1) / BLOCK];
        Parallel.forRange(partial.length, Math.max(1, CpuBackend.GRAIN / BLOCK), (from, to) -> {
            double[] t = contiguous ? null : new double[Math.min(n, BLOCK)];
            for (int k = from; k < to; k++) {
                int at = k * BLOCK, len = Math.min(BLOCK, n - at);
                if (contiguous) partial[k] = sum(x, b + at, len);
                else {
                    gather(x, b, inner, t, at, len);
                    partial[k] = sum(t, 0, len);
                }
            }
        });
        return sum(partial, 0, partial.length);
    }

    /** t[0, len) = the inner elements [from, from + len) in row-major order. */
    private static void gather(double[] x, int b, Strided inner, double[] t, int from, int len) {
        int s = inner.stride(0);
        int[] at = {0};
        inner.forEach(from, from + len, new int[] {b}, (p, m) -> {
            if (s == 1 && m >= 32) System.arraycopy(x, p[0], t, at[0], m);   // long runs: a bias gradient's planes
            else for (int j = 0; j < m; j++) t[at[0] + j] = x[p[0] + j * s];
            at[0] += m;
        });
    }

    /** Σ x[o, o + n) pairwise: halves summed apart down to vector leaves of at most LEAF elements. */
    static double sum(double[] x, int o, int n) {
        if (n > LEAF) {
            int h = (n / 2 + D.length() - 1) / D.length() * D.length();
            return sum(x, o, h) + sum(x, o + h, n - h);
        }
        DoubleVector acc = DoubleVector.zero(D);
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) acc = acc.add(DoubleVector.fromArray(D, x, o + i));
        double s = VectorMath.sum(acc);
        for (; i < n; i++) s += x[o + i];
        return s;
    }

    /** max of x[o, o + n), n ≥ 1, NaN if any is NaN (Math.max in every lane and across lanes). */
    static double max(double[] x, int o, int n) {
        DoubleVector acc = DoubleVector.broadcast(D, x[o]);
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) acc = acc.max(DoubleVector.fromArray(D, x, o + i));
        double r = x[o];
        for (double v : acc.toArray()) r = Math.max(r, v);
        for (; i < n; i++) r = Math.max(r, x[o + i]);
        return r;
    }

    static double min(double[] x, int o, int n) {
        DoubleVector acc = DoubleVector.broadcast(D, x[o]);
        int i = 0;
        for (; i < D.loopBound(n); i += D.length()) acc = acc.min(DoubleVector.fromArray(D, x, o + i));
        double r = x[o];
        for (double v : acc.toArray()) r = Math.min(r, v);
        for (; i < n; i++) r = Math.min(r, x[o + i]);
        return r;
    }

    /** The first extreme element of the block (scalar, in row-major order): its value, or its index when asked. */
    private static double extreme(double[] x, int b, Strided inner, boolean max, boolean index) {
        int s = inner.stride(0);
        double[] cur = {0};
        int[] best = {-1}, k = {0};
        inner.forEach(0, inner.numel(), new int[] {b}, (p, m) -> {
            for (int j = 0; j < m; j++, k[0]++) {
                double v = x[p[0] + j * s];
                if (best[0] < 0 || better(v, cur[0], max)) {
                    cur[0] = v;
                    best[0] = k[0];
                }
            }
        });
        return index ? best[0] : cur[0];
    }
}
