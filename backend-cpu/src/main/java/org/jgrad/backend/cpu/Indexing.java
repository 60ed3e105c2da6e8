package org.jgrad.backend.cpu;

import org.jgrad.DType;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.Layout;
import org.jgrad.spi.View;

/**
 * gather, scatterAdd and accumulate for F32 and F64. The indexed operand is walked with its {@code axis} stride
 * zeroed, so the walk gives the position of index 0 and the index adds {@code index · step}. gather writes each
 * output once and splits over {@link Parallel}; scatterAdd may hit one position many times, so it runs in the
 * reference's order on the calling thread; accumulate splits only over a dimension whose slices cannot collide.
 */
final class Indexing {
    private Indexing() {
    }

    static void gather(View x, int axis, View index, View out) {
        int step = x.layout().strides()[axis];
        Strided w = Strided.anyOrder(out.shape(), along(x.layout(), axis), index.layout().strides(), out.layout().strides());
        Object xa = array(x), oa = array(out);
        int[] ix = ((HeapStorage) index.storage()).i32();
        boolean f32 = x.dtype() == DType.F32;
        w.parallel(CpuBackend.GRAIN, offsets(x, index, out), (p, n) -> {
            if (f32) gather((float[]) xa, p[0], w.stride(0), step, ix, p[1], w.stride(1), (float[]) oa, p[2], w.stride(2), n);
            else gather((double[]) xa, p[0], w.stride(0), step, ix, p[1], w.stride(1), (double[]) oa, p[2], w.stride(2), n);
        });
    }

    static void scatterAdd(View dst, int axis, View index, View src) {
        int step = dst.layout().strides()[axis];
        Strided w = Strided.of(src.shape(), along(dst.layout(), axis), index.layout().strides(), src.layout().strides());
        Object da = array(dst), sa = array(src);
        int[] ix = ((HeapStorage) index.storage()).i32();
        boolean f32 = dst.dtype() == DType.F32;
        w.forEach(0, w.numel(), offsets(dst, index, src), (p, n) -> {
            if (f32) scatterAdd((float[]) da, p[0], w.stride(0), step, ix, p[1], w.stride(1), (float[]) sa, p[2], w.stride(2), n);
            else scatterAdd((double[]) da, p[0], w.stride(0), step, ix, p[1], w.stride(1), (double[]) sa, p[2], w.stride(2), n);
        });
    }

    /**
     * dst[i] += src[i]; dst may reach one position from several i. When some dimension's slices reach disjoint
     * parts of dst (the images of a batch in a convolution's input gradient, every window of a pooling that does
     * not overlap), that dimension goes outermost and its slices are split over {@link Parallel}: no two threads
     * touch one position, and each slice's block of dst stays in cache while its overlapping windows add up.
     */
    static void accumulate(View src, View dst) {
        int[] shape = src.shape(), ss = src.layout().strides(), ds = dst.layout().strides();
        int d = disjointDimension(shape, ds);
        if (d > 0) {
            shape = outermost(shape, d);
            ss = outermost(ss, d);
            ds = outermost(ds, d);
        }
        Strided w = Strided.of(shape, ss, ds);
        Object sa = array(src), da = array(dst);
        boolean f32 = src.dtype() == DType.F32;
        int[] base = {src.layout().offset(), dst.layout().offset()};
        Strided.Run run = (p, n) -> {
            if (f32) Elementwise.accumulate((float[]) sa, p[0], w.stride(0), (float[]) da, p[1], w.stride(1), n);
            else Elementwise.accumulate((double[]) sa, p[0], w.stride(0), (double[]) da, p[1], w.stride(1), n);
        };
        if (w.numel() == 0) return;
        int block = d < 0 ? w.numel() : w.numel() / shape[0], slices = w.numel() / block;
        if (w.shortRows() && block % (w.rows() * w.inner()) == 0) {
            // a plane of short rows per hand-over (a convolution's input gradient: rows of OW elements)
            int rows = w.rows(), cols = w.inner(), per = block / (rows * cols);
            int sr = w.rowStride(0), sc = w.stride(0), dr = w.rowStride(1), dc = w.stride(1);
            Strided.Plane plane = p -> {
                if (f32) accumulate((float[]) sa, p[0], sr, sc, (float[]) da, p[1], dr, dc, rows, cols);
                else accumulate((double[]) sa, p[0], sr, sc, (double[]) da, p[1], dr, dc, rows, cols);
            };
            Parallel.forRange(slices, d < 0 ? slices : Math.max(1, CpuBackend.GRAIN / block),
                    (from, to) -> w.forEachPlane(from * per, to * per, base, plane));
            return;
        }
        Parallel.forRange(slices, d < 0 ? slices : Math.max(1, CpuBackend.GRAIN / block),
                (from, to) -> w.forEach(from * block, to * block, base, run));
    }

    /** d += s over a plane of rows, in row-major order (rows may reach the same positions of d). */
    private static void accumulate(float[] s, int so, int sr, int sc, float[] d, int dO, int dr, int dc, int rows, int cols) {
        if (sc == 1 && dc == 1) {
            for (int i = 0; i < rows; i++)
                for (int j = 0, a = so + i * sr, b = dO + i * dr; j < cols; j++) d[b + j] += s[a + j];
            return;
        }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) d[dO + i * dr + j * dc] += s[so + i * sr + j * sc];
    }

    private static void accumulate(double[] s, int so, int sr, int sc, double[] d, int dO, int dr, int dc, int rows, int cols) {
        if (sc == 1 && dc == 1) {
            for (int i = 0; i < rows; i++)
                for (int j = 0, a = so + i * sr, b = dO + i * dr; j < cols; j++) d[b + j] += s[a + j];
            return;
        }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) d[dO + i * dr + j * dc] += s[so + i * sr + j * sc];
    }

    /**
     * A dimension whose slices reach disjoint positions of a layout with these strides (its stride exceeds the span of
     * all the others together), the largest such; -1 when there is none.
     */
    static int disjointDimension(int[] shape, int[] strides) {
        long span = 1;
        for (int k = 0; k < shape.length; k++) {
            if (shape[k] == 0) return -1;
            span += (long) strides[k] * (shape[k] - 1);
        }
        int best = -1;
        for (int k = 0; k < shape.length; k++) {
            long others = span - (long) strides[k] * (shape[k] - 1);
            if (shape[k] > 1 && strides[k] >= others && (best < 0 || shape[k] > shape[best])) best = k;
        }
        return best;
    }

    /** The array with element d moved to the front. */
    private static int[] outermost(int[] a, int d) {
        int[] out = new int[a.length];
        out[0] = a[d];
        for (int k = 0, j = 1; k < a.length; k++) if (k != d) out[j++] = a[k];
        return out;
    }

    private static int[] along(Layout l, int axis) {
        int[] s = l.strides().clone();
        s[axis] = 0;
        return s;
    }

    private static int[] offsets(View a, View b, View c) {
        return new int[] {a.layout().offset(), b.layout().offset(), c.layout().offset()};
    }

    private static Object array(View v) {
        return ((HeapStorage) v.storage()).array();
    }

    private static void gather(float[] x, int xo, int xs, int step, int[] ix, int io, int is, float[] out, int oo, int os, int n) {
        for (int i = 0; i < n; i++) out[oo + i * os] = x[xo + i * xs + ix[io + i * is] * step];
    }

    private static void scatterAdd(float[] d, int dO, int ds, int step, int[] ix, int io, int is, float[] s, int so, int ss, int n) {
        for (int i = 0; i < n; i++) d[dO + i * ds + ix[io + i * is] * step] += s[so + i * ss];
    }

    private static void gather(double[] x, int xo, int xs, int step, int[] ix, int io, int is, double[] out, int oo, int os, int n) {
        for (int i = 0; i < n; i++) out[oo + i * os] = x[xo + i * xs + ix[io + i * is] * step];
    }

    private static void scatterAdd(double[] d, int dO, int ds, int step, int[] ix, int io, int is, double[] s, int so, int ss, int n) {
        for (int i = 0; i < n; i++) d[dO + i * ds + ix[io + i * is] * step] += s[so + i * ss];
    }
}
