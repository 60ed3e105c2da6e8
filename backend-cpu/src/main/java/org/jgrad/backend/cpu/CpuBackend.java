package org.jgrad.backend.cpu;

import org.jgrad.DType;
import org.jgrad.spi.Backend;
import org.jgrad.spi.Conv2dGeometry;
import org.jgrad.spi.BinaryOp;
import org.jgrad.spi.Distribution;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.ReduceOp;
import org.jgrad.spi.ReferenceBackend;
import org.jgrad.spi.Storage;
import org.jgrad.spi.UnaryOp;
import org.jgrad.spi.View;

/**
 * The Vector-API CPU backend: heap storages ({@link HeapStorage}) owned by this instance, F32 and F64 kernels in
 * {@link Elementwise}, {@link Transcendental}, {@link Reduce}, {@link Indexing}, {@link Random} and {@link Gemm}, all
 * walking their operands through {@link Strided}; copies and casts between any dtypes in {@link Copy}. Integer and
 * BOOL arithmetic (indices, masks, labels: never where training spends its time) runs the reference backend's scalar
 * loops on the same arrays.
 */
final class CpuBackend implements Backend {
    /**
     * Elements below which an elementwise op or a reduction stays on the calling thread (forRange splits from 2·GRAIN
     * on). An estimate, not a tuned figure: handing a chunk to a pool thread costs microseconds (a queue hand-off and
     * a wake-up), about what one core needs for 32 K adds, so smaller ops would not gain from a second thread;
     * compute-heavy ops (exp, tanh: 1M F32 in ~170 µs on one core here) would split profitably somewhat lower.
     */
    static final int GRAIN = 32_768;

    /** Runs the scalar loops for integer dtypes on views of this backend's arrays (see {@link #ref}). */
    private final ReferenceBackend reference = new ReferenceBackend();

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Storage allocate(DType dtype, int size) {
        return HeapStorage.allocate(this, dtype, size);
    }

    @Override
    public Storage upload(DType dtype, Object data) {
        return new HeapStorage(this, dtype, new HeapStorage(this, dtype, data).copyOfArray());
    }

    @Override
    public Object download(Storage storage) {
        return heap(storage).copyOfArray();
    }

    @Override
    public void copy(View src, View dst) {
        DType s = src.dtype(), d = dst.dtype();
        Object sa = heap(src.storage()).array(), da = heap(dst.storage()).array();
        Strided w = Strided.anyOrder(dst.shape(), src.layout().strides(), dst.layout().strides());
        if (Copy.isTranspose(s, d, w)) Copy.transpose(s, sa, src.layout().offset(), da, dst.layout().offset(), w);
        // a plane per hand-over, split over planes: unless there are too few planes to keep the threads busy
        else if (s == d && w.shortRows() && (w.planes() >= Parallel.threads() || w.numel() < 2 * GRAIN))
            Copy.shortRows(s, sa, src.layout().offset(), da, dst.layout().offset(), w);
        else w.parallel(GRAIN, offsets(src, dst), (p, n) -> Copy.run(s, sa, p[0], w.stride(0), d, da, p[1], w.stride(1), n));
    }

    @Override
    public void accumulate(View src, View dst) {
        heap(src.storage());
        heap(dst.storage());
        if (!src.dtype().isFloating()) reference.accumulate(ref(src), ref(dst));
        else Indexing.accumulate(src, dst);
    }

    @Override
    public void fill(View dst, double value) {
        Object a = heap(dst.storage()).array();
        Strided w = Strided.anyOrder(dst.shape(), dst.layout().strides());
        switch (dst.dtype()) {
            case F32 -> w.parallel(GRAIN, offsets(dst), (p, n) -> Elementwise.fill((float[]) a, p[0], w.stride(0), n, (float) value));
            case F64 -> w.parallel(GRAIN, offsets(dst), (p, n) -> Elementwise.fill((double[]) a, p[0], w.stride(0), n, value));
            case I32, I8, BOOL -> reference.fill(ref(dst), value);
        }
    }

    @Override
    public void unary(UnaryOp op, View x, View out) {
        Object xa = heap(x.storage()).array(), oa = heap(out.storage()).array();
        Strided w = Strided.anyOrder(out.shape(), x.layout().strides(), out.layout().strides());
        int[] at = offsets(x, out);
        switch (x.dtype()) {
            case F32 -> w.parallel(GRAIN, at, (p, n) ->
                    Elementwise.unary(op, (float[]) xa, p[0], w.stride(0), (float[]) oa, p[1], w.stride(1), n));
            case F64 -> w.parallel(GRAIN, at, (p, n) ->
                    Elementwise.unary(op, (double[]) xa, p[0], w.stride(0), (double[]) oa, p[1], w.stride(1), n));
            case I32, I8, BOOL -> reference.unary(op, ref(x), ref(out));
        }
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        Object aa = heap(a.storage()).array(), ba = heap(b.storage()).array(), oa = heap(out.storage()).array();
        if (!a.dtype().isFloating()) {
            reference.binary(op, ref(a), ref(b), ref(out));
            return;
        }
        Strided w = Strided.anyOrder(out.shape(), a.layout().strides(), b.layout().strides(), out.layout().strides());
        boolean f32 = a.dtype() == DType.F32, mask = op.isComparison();
        w.parallel(GRAIN, offsets(a, b, out), (p, n) -> {
            int as = w.stride(0), bs = w.stride(1), os = w.stride(2);
            if (mask && f32) Elementwise.compare(op, (float[]) aa, p[0], as, (float[]) ba, p[1], bs, (byte[]) oa, p[2], os, n);
            else if (mask) Elementwise.compare(op, (double[]) aa, p[0], as, (double[]) ba, p[1], bs, (byte[]) oa, p[2], os, n);
            else if (f32) Elementwise.binary(op, (float[]) aa, p[0], as, (float[]) ba, p[1], bs, (float[]) oa, p[2], os, n);
            else Elementwise.binary(op, (double[]) aa, p[0], as, (double[]) ba, p[1], bs, (double[]) oa, p[2], os, n);
        });
    }

    @Override
    public void where(View mask, View a, View b, View out) {
        byte[] m = heap(mask.storage()).i8();
        Object aa = heap(a.storage()).array(), ba = heap(b.storage()).array(), oa = heap(out.storage()).array();
        if (!a.dtype().isFloating()) {
            reference.where(ref(mask), ref(a), ref(b), ref(out));
            return;
        }
        Strided w = Strided.anyOrder(out.shape(), mask.layout().strides(), a.layout().strides(), b.layout().strides(),
                out.layout().strides());
        boolean f32 = a.dtype() == DType.F32;
        w.parallel(GRAIN, offsets(mask, a, b, out), (p, n) -> {
            int ms = w.stride(0), as = w.stride(1), bs = w.stride(2), os = w.stride(3);
            if (f32) Elementwise.where(m, p[0], ms, (float[]) aa, p[1], as, (float[]) ba, p[2], bs, (float[]) oa, p[3], os, n);
            else Elementwise.where(m, p[0], ms, (double[]) aa, p[1], as, (double[]) ba, p[2], bs, (double[]) oa, p[3], os, n);
        });
    }

    @Override
    public void reduce(ReduceOp op, View x, int reducedDims, View out) {
        heap(x.storage());
        heap(out.storage());
        boolean sameSum = op != ReduceOp.SUM || out.dtype() == x.dtype();
        if (x.dtype().isFloating() && sameSum) Reduce.run(op, x, reducedDims, out);
        else reference.reduce(op, ref(x), reducedDims, ref(out));
    }

    @Override
    public void matmul(View a, View b, View out) {
        heap(a.storage());
        heap(b.storage());
        heap(out.storage());
        if (a.dtype().isFloating()) Gemm.matmul(a, b, out);
        else reference.matmul(ref(a), ref(b), ref(out));
    }

    @Override
    public void gather(View x, int axis, View index, View out) {
        heap(x.storage());
        heap(index.storage());
        heap(out.storage());
        if (x.dtype().isFloating()) Indexing.gather(x, axis, index, out);
        else reference.gather(ref(x), axis, ref(index), ref(out));
    }

    @Override
    public void scatterAdd(View dst, int axis, View index, View src) {
        heap(dst.storage());
        heap(index.storage());
        heap(src.storage());
        if (dst.dtype().isFloating()) Indexing.scatterAdd(dst, axis, index, src);
        else reference.scatterAdd(ref(dst), axis, ref(index), ref(src));
    }

    @Override
    public void random(Distribution dist, long seed, long offset, View out) {
        heap(out.storage());
        if (out.dtype().isFloating()) Random.fill(dist, seed, offset, out);
        else reference.random(dist, seed, offset, ref(out));
    }

    /** The same array and layout as a storage of the private reference backend, whose scalar loops then run on it. */
    private View ref(View v) {
        HeapStorage h = heap(v.storage());
        return new View(new HeapStorage(reference, h.dtype(), h.array()), v.layout());
    }

    private static int[] offsets(View... vs) {
        int[] o = new int[vs.length];
        for (int i = 0; i < vs.length; i++) o[i] = vs[i].layout().offset();
        return o;
    }

    private HeapStorage heap(Storage s) {
        if (s instanceof HeapStorage h && h.backend() == this) return h;
        throw new IllegalArgumentException("cpu backend: got a storage owned by another backend instance ('"
                + s.backend().name() + "'); move the tensor with to(Device) first");
    }

    @Override
    public boolean softmax(View x, View out, boolean log) {
        heap(x.storage());
        heap(out.storage());
        return FusedKernels.softmax(x, out, log);
    }

    @Override
    public boolean biasActivation(View y, View bias, UnaryOp act, View out) {
        heap(y.storage());
        heap(bias.storage());
        heap(out.storage());
        return FusedKernels.biasActivation(y, bias, act, out);
    }

    @Override
    public boolean maxPool2d(View x, int[] kernel, int[] stride, int[] padding, View out, View indices) {
        heap(x.storage());
        heap(out.storage());
        heap(indices.storage());
        return Pooling.maxPool2d(x, kernel, stride, padding, out, indices);
    }

    @Override
    public boolean conv2d(View x, View weight, View bias, Conv2dGeometry geometry, View out) {
        heap(x.storage());
        heap(weight.storage());
        if (bias != null) heap(bias.storage());
        heap(out.storage());
        return ConvKernels.forward(x, weight, bias, geometry, out);
    }

    @Override
    public boolean conv2dInputGrad(View grad, View weight, Conv2dGeometry geometry, View out) {
        heap(grad.storage());
        heap(weight.storage());
        heap(out.storage());
        return ConvKernels.inputGrad(grad, weight, geometry, out);
    }

    @Override
    public boolean conv2dWeightGrad(View x, View grad, Conv2dGeometry geometry, View out) {
        heap(x.storage());
        heap(grad.storage());
        heap(out.storage());
        return ConvKernels.weightGrad(x, grad, geometry, out);
    }

    @Override
    public boolean activationGrad(UnaryOp act, View grad, View y, View out) {
        heap(grad.storage());
        heap(y.storage());
        heap(out.storage());
        return ActivationGrad.run(act, grad, y, out);
    }
}
