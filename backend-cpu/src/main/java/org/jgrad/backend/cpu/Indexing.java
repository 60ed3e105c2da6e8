package org.jgrad.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jgrad.DType;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.Layout;
import org.jgrad.spi.View;

/**
 * gather, scatterAdd and accumulate for F32 and F64. The indexed operand is walked with its {@code axis} stride
 * zeroed, so the walk gives the position of index 0 and the index adds {@code index · step}. gather writes each
 * output once and splits over {@link Parallel}; scatterAdd may hit one position many times, so it runs in the
 * reference's order on the calling thread; accumulate splits only over dimensions whose slices cannot collide.
 */
final class Indexing {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

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
     * dst[i] += src[i]; dst may reach one position from several i. The dimensions whose slices reach disjoint parts
     * of dst (the images and channels of a convolution's input gradient, every window of a pooling that does not
     * overlap) go outermost, ordered as src lies in memory, and their slices are split over {@link Parallel}: no two
     * threads touch one position, each slice's block of dst stays in cache while its overlapping windows add up, and
     * src is read in a few long streams (a convolution's column gradient [C·KH·KW, N·OH·OW] walked image by image
     * instead reads KH·KW·C planes of a few hundred bytes each, scattered over megabytes, and stalls on memory).
     * Each position still receives its terms in row-major order, so the sum is the reference's, bit for bit.
     */
    static void accumulate(View src, View dst) {
        int[] order = disjointFirst(src.shape(), src.layout().strides(), dst.layout().strides());
        int outer = order[order.length - 1];
        int[] shape = permute(src.shape(), order), ss = permute(src.layout().strides(), order),
                ds = permute(dst.layout().strides(), order);
        Strided w = Strided.of(shape, ss, ds);
        Object sa = array(src), da = array(dst);
        boolean f32 = src.dtype() == DType.F32;
        int[] base = {src.layout().offset(), dst.layout().offset()};
        Strided.Run run = (p, n) -> {
            if (f32) Elementwise.accumulate((float[]) sa, p[0], w.stride(0), (float[]) da, p[1], w.stride(1), n);
            else Elementwise.accumulate((double[]) sa, p[0], w.stride(0), (double[]) da, p[1], w.stride(1), n);
        };
        if (w.numel() == 0) return;
        long slicesL = 1;
        for (int k = 0; k < outer; k++) slicesL *= shape[k];
        int slices = (int) slicesL, block = w.numel() / slices, grain = outer == 0 ? slices : Math.max(1, CpuBackend.GRAIN / block);
        if (w.shortRows() && block % (w.rows() * w.inner()) == 0) {
            // a plane of short rows per hand-over (a convolution's input gradient: rows of OW elements)
            int rows = w.rows(), cols = w.inner(), per = block / (rows * cols);
            int sr = w.rowStride(0), sc = w.stride(0), dr = w.rowStride(1), dc = w.stride(1);
            Strided.Plane plane = p -> {
                if (f32) accumulate((float[]) sa, p[0], sr, sc, (float[]) da, p[1], dr, dc, rows, cols);
                else accumulate((double[]) sa, p[0], sr, sc, (double[]) da, p[1], dr, dc, rows, cols);
            };
            Parallel.forRange(slices, grain, (from, to) -> w.forEachPlane(from * per, to * per, base, plane));
            return;
        }
        Parallel.forRange(slices, grain, (from, to) -> w.forEach(from * block, to * block, base, run));
    }

    /**
     * d += s over a plane of rows, in row-major order (rows may reach the same positions of d, one row never twice).
     * Dense rows go a vector at a time, the tail element by element: measured on the convnet's 14-wide col2im, a
     * masked tail (masked loads, add, masked store) was slower than the scalar one, 3.3 against 2.0 ms.
     */
    private static void accumulate(float[] s, int so, int sr, int sc, float[] d, int dO, int dr, int dc, int rows, int cols) {
        if (sc == 1 && dc == 1) {
            for (int i = 0; i < rows; i++) {
                int a = so + i * sr, b = dO + i * dr, j = 0;
                for (; j < F.loopBound(cols); j += F.length())
                    FloatVector.fromArray(F, d, b + j).add(FloatVector.fromArray(F, s, a + j)).intoArray(d, b + j);
                for (; j < cols; j++) d[b + j] += s[a + j];
            }
            return;
        }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) d[dO + i * dr + j * dc] += s[so + i * sr + j * sc];
    }

    private static void accumulate(double[] s, int so, int sr, int sc, double[] d, int dO, int dr, int dc, int rows, int cols) {
        if (sc == 1 && dc == 1) {
            for (int i = 0; i < rows; i++) {
                int a = so + i * sr, b = dO + i * dr, j = 0;
                for (; j < D.loopBound(cols); j += D.length())
                    DoubleVector.fromArray(D, d, b + j).add(DoubleVector.fromArray(D, s, a + j)).intoArray(d, b + j);
                for (; j < cols; j++) d[b + j] += s[a + j];
            }
            return;
        }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) d[dO + i * dr + j * dc] += s[so + i * sr + j * sc];
    }

    /**
     * A walk order for dst positions reached through {@code dstStrides}: first the dimensions whose slices reach
     * disjoint positions (peeled one by one: each one's stride exceeds the span of the dimensions not yet peeled),
     * by descending src stride, then the others in their order; the last element is the number of peeled ones.
     */
    static int[] disjointFirst(int[] shape, int[] srcStrides, int[] dstStrides) {
        int rank = shape.length;
        boolean[] peeled = new boolean[rank];
        int count = 0;
        for (int k = 0; k < rank; k++) if (shape[k] == 0) return identityOrder(rank);
        while (true) {
            long span = 1;
            for (int k = 0; k < rank; k++) if (!peeled[k]) span += (long) dstStrides[k] * (shape[k] - 1);
            int best = -1;
            for (int k = 0; k < rank; k++) {
                long others = span - (long) dstStrides[k] * (shape[k] - 1);
                if (!peeled[k] && shape[k] > 1 && dstStrides[k] >= others && (best < 0 || shape[k] > shape[best])) best = k;
            }
            if (best < 0) break;
            peeled[best] = true;
            count++;
        }
        Integer[] first = new Integer[count];
        int[] order = new int[rank + 1];
        for (int k = 0, j = 0; k < rank; k++) if (peeled[k]) first[j++] = k;
        java.util.Arrays.sort(first, (x, y) -> Integer.compare(srcStrides[y], srcStrides[x]));
        for (int j = 0; j < count; j++) order[j] = first[j];
        for (int k = 0, j = count; k < rank; k++) if (!peeled[k]) order[j++] = k;
        order[rank] = count;
        return order;
    }

    private static int[] identityOrder(int rank) {
        int[] order = new int[rank + 1];
        for (int k = 0; k < rank; k++) order[k] = k;
        return order;
    }

    /** a[order[0]], a[order[1]], … for the first a.length entries of order. */
    private static int[] permute(int[] a, int[] order) {
        int[] out = new int[a.length];
        for (int k = 0; k < a.length; k++) out[k] = a[order[k]];
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
