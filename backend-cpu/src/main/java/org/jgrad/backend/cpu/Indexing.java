package org.jgrad.backend.cpu;

import org.jgrad.DType;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.Layout;
import org.jgrad.spi.View;

/**
 * gather, scatterAdd and accumulate for F32 and F64. The indexed operand is walked with its {@code axis} stride
 * zeroed, so the walk gives the position of index 0 and the index adds {@code index · step}. gather writes each
 * output once and splits over {@link Parallel}; scatterAdd and accumulate may hit one position many times, so they
 * run in the reference's order on the calling thread.
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

    /** dst[i] += src[i] in src's row-major order; dst may reach one position from several i. */
    static void accumulate(View src, View dst) {
        Strided w = Strided.of(src.shape(), src.layout().strides(), dst.layout().strides());
        Object sa = array(src), da = array(dst);
        boolean f32 = src.dtype() == DType.F32;
        w.forEach(0, w.numel(), new int[] {src.layout().offset(), dst.layout().offset()}, (p, n) -> {
            if (f32) Elementwise.accumulate((float[]) sa, p[0], w.stride(0), (float[]) da, p[1], w.stride(1), n);
            else Elementwise.accumulate((double[]) sa, p[0], w.stride(0), (double[]) da, p[1], w.stride(1), n);
        });
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
