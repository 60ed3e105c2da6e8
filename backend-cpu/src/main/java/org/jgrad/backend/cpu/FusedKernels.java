package org.jgrad.backend.cpu;

import static jdk.incubator.vector.VectorOperators.MAX;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.UnaryOp;
import org.jgrad.spi.View;

/**
 * The optional fused kernels of the SPI, where training spends its time: softmax/log-softmax over the rows of the
 * classifier's logits (one pass for the maximum, one for exp and its sum, one to normalise, instead of the seven
 * kernels and five temporaries of the composite) and bias + activation after a linear layer or convolution. Each
 * matches core's composite definition, which the registry's parity tests compare it with.
 */
final class FusedKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private FusedKernels() {
    }

    /** Row-wise over the last dimension; false (composite) unless both views are dense and row-major. */
    static boolean softmax(View x, View out, boolean log) {
        if (!x.layout().isContiguous() || !out.layout().isContiguous()) return false;
        int[] shape = x.shape();
        int n = shape[shape.length - 1], rows = x.numel() / n, xo = x.layout().offset(), oo = out.layout().offset();
        Object xa = ((HeapStorage) x.storage()).array(), oa = ((HeapStorage) out.storage()).array();
        Parallel.forRange(rows, Math.max(1, CpuBackend.GRAIN / n), (from, to) -> {
            for (int r = from; r < to; r++) {
                switch (x.dtype()) {
                    case F32 -> row((float[]) xa, xo + r * n, (float[]) oa, oo + r * n, n, log);
                    case F64 -> row((double[]) xa, xo + r * n, (double[]) oa, oo + r * n, n, log);
                    case I32, I8, BOOL -> throw new AssertionError("core sends only floating tensors");
                }
            }
        });
        return true;
    }

    /**
     * One row, shifted by its maximum as the composite is: softmax by the maximum itself (NaN for an infinite one,
     * as the composite gives), log-softmax by the maximum where finite and 0 elsewhere (as logsumexp shifts).
     */
    static void row(float[] x, int xo, float[] o, int oo, int n, boolean log) {
        int i = 0;
        FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (; i < F.loopBound(n); i += F.length()) vmax = vmax.max(FloatVector.fromArray(F, x, xo + i));
        float max = vmax.reduceLanes(MAX);
        for (; i < n; i++) max = Math.max(max, x[xo + i]);
        float shift = log && !Float.isFinite(max) && !Float.isNaN(max) ? 0 : max;
        FloatVector vsum = FloatVector.zero(F);
        for (i = 0; i < F.loopBound(n); i += F.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, xo + i).sub(shift));
            e.intoArray(o, oo + i);
            vsum = vsum.add(e);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, xo + i, m).sub(shift));
            e.intoArray(o, oo + i, m);
            vsum = vsum.add(e, m);
        }
        float sum = VectorMath.sum(vsum);
        if (log) {
            float c = shift + (float) Math.log(sum);
            for (i = 0; i < F.loopBound(n); i += F.length()) FloatVector.fromArray(F, x, xo + i).sub(c).intoArray(o, oo + i);
            for (; i < n; i++) o[oo + i] = x[xo + i] - c;
        } else {
            for (i = 0; i < F.loopBound(n); i += F.length()) FloatVector.fromArray(F, o, oo + i).div(sum).intoArray(o, oo + i);
            for (; i < n; i++) o[oo + i] /= sum;
        }
    }

    static void row(double[] x, int xo, double[] o, int oo, int n, boolean log) {
        int i = 0;
        DoubleVector vmax = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        for (; i < D.loopBound(n); i += D.length()) vmax = vmax.max(DoubleVector.fromArray(D, x, xo + i));
        double max = vmax.reduceLanes(MAX);
        for (; i < n; i++) max = Math.max(max, x[xo + i]);
        double shift = log && !Double.isFinite(max) && !Double.isNaN(max) ? 0 : max;
        DoubleVector vsum = DoubleVector.zero(D);
        for (i = 0; i < D.loopBound(n); i += D.length()) {
            DoubleVector e = VectorMath.exp(DoubleVector.fromArray(D, x, xo + i).sub(shift));
            e.intoArray(o, oo + i);
            vsum = vsum.add(e);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector e = VectorMath.exp(DoubleVector.fromArray(D, x, xo + i, m).sub(shift));
            e.intoArray(o, oo + i, m);
            vsum = vsum.add(e, m);
        }
        double sum = VectorMath.sum(vsum);
        if (log) {
            double c = shift + Math.log(sum);
            for (i = 0; i < D.loopBound(n); i += D.length()) DoubleVector.fromArray(D, x, xo + i).sub(c).intoArray(o, oo + i);
            for (; i < n; i++) o[oo + i] = x[xo + i] - c;
        } else {
            for (i = 0; i < D.loopBound(n); i += D.length()) DoubleVector.fromArray(D, o, oo + i).div(sum).intoArray(o, oo + i);
            for (; i < n; i++) o[oo + i] /= sum;
        }
    }

    /** {@code out = act(y + bias)} in runs: the add, then the activation in place on the run it just wrote. */
    static boolean biasActivation(View y, View bias, UnaryOp act, View out) {
        Object ya = ((HeapStorage) y.storage()).array(), ba = ((HeapStorage) bias.storage()).array(),
                oa = ((HeapStorage) out.storage()).array();
        Strided w = Strided.of(out.shape(), y.layout().strides(), bias.layout().strides(), out.layout().strides());
        int[] base = {y.layout().offset(), bias.layout().offset(), out.layout().offset()};
        w.parallel(CpuBackend.GRAIN, base, (p, n) -> {
            switch (y.dtype()) {
                case F32 -> {
                    float[] o = (float[]) oa;
                    addRun((float[]) ya, p[0], w.stride(0), (float[]) ba, p[1], w.stride(1), o, p[2], w.stride(2), n);
                    if (act != null) activate(act, o, p[2], w.stride(2), n);
                }
                case F64 -> {
                    double[] o = (double[]) oa;
                    addRun((double[]) ya, p[0], w.stride(0), (double[]) ba, p[1], w.stride(1), o, p[2], w.stride(2), n);
                    if (act != null) activate(act, o, p[2], w.stride(2), n);
                }
                case I32, I8, BOOL -> throw new AssertionError("core sends only floating tensors");
            }
        });
        return true;
    }

    /** o = y + b along a run; the common cases (dense y and o, bias dense or one value) are vectorised. */
    private static void addRun(float[] y, int yo, int ys, float[] b, int bo, int bs, float[] o, int oo, int os, int n) {
        int i = 0;
        if (ys == 1 && os == 1 && bs == 0) {
            float c = b[bo];
            for (; i < F.loopBound(n); i += F.length()) FloatVector.fromArray(F, y, yo + i).add(c).intoArray(o, oo + i);
        } else if (ys == 1 && os == 1 && bs == 1) {
            for (; i < F.loopBound(n); i += F.length())
                FloatVector.fromArray(F, y, yo + i).add(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
        }
        for (; i < n; i++) o[oo + i * os] = y[yo + i * ys] + b[bo + i * bs];
    }

    private static void addRun(double[] y, int yo, int ys, double[] b, int bo, int bs, double[] o, int oo, int os, int n) {
        int i = 0;
        if (ys == 1 && os == 1 && bs == 0) {
            double c = b[bo];
            for (; i < D.loopBound(n); i += D.length()) DoubleVector.fromArray(D, y, yo + i).add(c).intoArray(o, oo + i);
        } else if (ys == 1 && os == 1 && bs == 1) {
            for (; i < D.loopBound(n); i += D.length())
                DoubleVector.fromArray(D, y, yo + i).add(DoubleVector.fromArray(D, b, bo + i)).intoArray(o, oo + i);
        }
        for (; i < n; i++) o[oo + i * os] = y[yo + i * ys] + b[bo + i * bs];
    }

    /** The activation in place over a run; a strided run (rare: out is fresh and dense) goes element by element. */
    private static void activate(UnaryOp act, float[] o, int oo, int os, int n) {
        if (os == 1) Transcendental.unary(act, o, oo, o, oo, n);
        else for (int i = 0; i < n; i++) Transcendental.unary(act, o, oo + i * os, o, oo + i * os, 1);
    }

    private static void activate(UnaryOp act, double[] o, int oo, int os, int n) {
        if (os == 1) Transcendental.unary(act, o, oo, o, oo, n);
        else for (int i = 0; i < n; i++) Transcendental.unary(act, o, oo + i * os, o, oo + i * os, 1);
    }
}
