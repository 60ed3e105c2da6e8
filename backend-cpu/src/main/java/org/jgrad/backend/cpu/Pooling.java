package org.jgrad.backend.cpu;

import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.NE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.View;

/**
 * The SPI's optional max-pooling kernel: one pass over each window that keeps the maximum and its position, in
 * place of the composite's window copy, argmax and gather (and, in backward, a single scatter of the gradient to
 * the kept positions). Windows are walked in row-major order and a value replaces the current maximum only when
 * it is larger, or a NaN not yet preceded by one, so the position is the composite's argmax. Padding reads as −∞,
 * so it wins only a window that starts in the padding and whose real values are all −∞; its position then lies in
 * the padding, where the gradient is dropped, exactly as in the composite.
 * Planes (one image's channel) are split over {@link Parallel}; each is a few KiB, so they stay in cache.
 */
final class Pooling {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Int lanes as many as F's, for the indices. */
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);

    private Pooling() {
    }

    /** Geometry of one call: x {@code [N, C, H, W]} with its strides, the output size and the window. */
    private record Geometry(int c, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw,
            int[] xs, int[] os, int[] is, int[] starts, int[] padded) {
        /**
         * Whether the F32 windows run in vectors: no padding (every window lies inside the plane) and dense output
         * planes, so a block of consecutive windows is a block of consecutive outputs.
         */
        boolean vector() {
            return ph == 0 && pw == 0 && os[3] == 1 && os[2] == ow && is[3] == 1 && is[2] == ow;
        }

        /** Whether the F32 windows run as {@link #pairWindows}: two wide at stride two, unpadded, dense rows. */
        boolean pairs() {
            return kw == 2 && sw == 2 && ph == 0 && pw == 0 && xs[3] == 1 && os[3] == 1 && is[3] == 1;
        }
    }

    /** Lane l of these picks lane 2l (EVEN) or 2l + 1 (ODD) of two vectors laid end to end. */
    private static final FloatVector EVEN = interleaved(0), ODD = interleaved(1);
    /** 2l in lane l: each lane's window start, in elements, from the block's first. */
    private static final IntVector TWICE = IntVector.zero(I).addIndex(2);

    private static FloatVector interleaved(int first) {
        float[] idx = new float[F.length()];
        for (int l = 0; l < idx.length; l++) idx[l] = 2 * l + first;
        return FloatVector.fromArray(F, idx, 0);
    }

    static boolean maxPool2d(View x, int[] k, int[] s, int[] p, View out, View indices) {
        int[] shape = x.shape(), o = out.shape();
        int blocks = (o[2] * o[3] + F.length() - 1) / F.length() * F.length();     // whole vectors: zeros pad the tail
        Geometry g = new Geometry(shape[1], shape[2], shape[3], o[2], o[3], k[0], k[1], s[0], s[1], p[0], p[1],
                x.layout().strides(), out.layout().strides(), indices.layout().strides(), new int[blocks],
                new int[blocks]);
        for (int t = 0; t < o[2] * o[3]; t++) {           // each window's first element: in x, in the padded plane
            int i = t / g.ow, j = t % g.ow;
            g.starts[t] = (i * g.sh - g.ph) * g.xs[2] + (j * g.sw - g.pw) * g.xs[3];
            g.padded[t] = i * g.sh * (g.w + 2 * g.pw) + j * g.sw;
        }
        Object xa = ((HeapStorage) x.storage()).array(), oa = ((HeapStorage) out.storage()).array();
        int[] ia = ((HeapStorage) indices.storage()).i32();
        int xo = x.layout().offset(), oo = out.layout().offset(), io = indices.layout().offset();
        int perPlane = Math.max(1, g.oh * g.ow * g.kh * g.kw);
        Parallel.forRange(shape[0] * g.c, Math.max(1, CpuBackend.GRAIN / perPlane), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int n = plane / g.c, c = plane % g.c;
                int xp = xo + n * g.xs[0] + c * g.xs[1], op = oo + n * g.os[0] + c * g.os[1], ip = io + n * g.is[0] + c * g.is[1];
                switch (x.dtype()) {
                    case F32 -> plane(g, (float[]) xa, xp, (float[]) oa, op, ia, ip);
                    case F64 -> plane(g, (double[]) xa, xp, (double[]) oa, op, ia, ip);
                    case I32, I8, BOOL -> throw new AssertionError("core sends only floating tensors");
                }
            }
        });
        return true;
    }

    private static void plane(Geometry g, float[] x, int xp, float[] out, int op, int[] ix, int ip) {
        if (g.pairs()) {
            pairWindows(g, x, xp, out, op, ix, ip);
            return;
        }
        if (g.vector()) {
            vectorWindows(g, x, xp, out, op, ix, ip);
            return;
        }
        for (int t = 0; t < g.oh * g.ow; t++) {
            int i = t / g.ow, j = t % g.ow;
            window(g, x, xp, i, j, out, op + i * g.os[2] + j * g.os[3], ix, ip + i * g.is[2] + j * g.is[3]);
        }
    }

    /**
     * The plane's windows in row-major blocks of F.length(), one window per lane, read with gathers at the window
     * starts ({@code g.starts}); the last block's spare lanes read the first window again and are not stored.
     */
    private static void vectorWindows(Geometry g, float[] x, int xp, float[] out, int op, int[] ix, int ip) {
        int wpad = g.w + 2 * g.pw, hs = g.xs[2], ws = g.xs[3], total = g.oh * g.ow;
        for (int t = 0; t < total; t += F.length()) {
            VectorMask<Float> in = F.indexInRange(t, total);
            IntVector start = IntVector.fromArray(I, g.padded, t);
            FloatVector m = FloatVector.fromArray(F, x, xp, g.starts, t);
            IntVector best = start;
            for (int a = 0; a < g.kh; a++) {
                for (int b = a == 0 ? 1 : 0; b < g.kw; b++) {
                    FloatVector v = FloatVector.fromArray(F, x, xp + a * hs + b * ws, g.starts, t);
                    VectorMask<Float> take = m.eq(m).and(v.compare(GT, m).or(v.compare(NE, v)));
                    m = m.blend(v, take);
                    best = best.blend(start.add(a * wpad + b), take.cast(I));
                }
            }
            m.intoArray(out, op + t, in);
            best.intoArray(ix, ip + t, in.cast(I));
        }
    }

    /**
     * Windows two wide at stride two (the usual 2×2 pooling), F.length() consecutive windows of an output row at a
     * time: each window row is two contiguous vectors, split into their even and odd lanes (one two-vector
     * {@code selectFrom} each), in place of {@link #vectorWindows}' gathers. The positions are visited in the
     * same row-major order with the same update, so values and indices are the scalar loop's.
     * <p>
     * Rows are short (14 or 7 windows in the convnet), so most blocks are a row's last. Their loads read whole
     * vectors wherever the array holds them: the lanes past the row's end feed only the lanes past its last window.
     * Their stores are whole vectors too wherever the plane's outputs are dense (and, as core's fresh outputs are,
     * no other plane's) and the spill stays inside the plane: it lands on positions of later rows, which their own
     * stores then overwrite. Only the plane's last blocks go through {@code spare} and a copy of their real lanes.
     * (Masked loads and stores on every row: a [64, 32, 28, 28] forward took 0.8–1.4 ms on one thread, now 0.6–0.7.)
     */
    private static void pairWindows(Geometry g, float[] x, int xp, float[] out, int op, int[] ix, int ip) {
        int lanes = F.length(), hs = g.xs[2], total = g.oh * g.ow;
        boolean outDense = g.os[2] == g.ow, ixDense = g.is[2] == g.ow;
        float[] spare = new float[lanes];
        int[] spareIx = new int[lanes];
        for (int i = 0; i < g.oh; i++) {
            int o = op + i * g.os[2], k = ip + i * g.is[2], r0 = i * g.sh;
            for (int j = 0; j < g.ow; j += lanes) {
                int row = xp + r0 * hs + 2 * j;
                boolean whole = row + (g.kh - 1) * hs + 2 * lanes <= x.length;
                // a row's last block otherwise: its loads stop at the last window's end
                VectorMask<Float> in0 = F.indexInRange(0, 2 * (g.ow - j)), in1 = F.indexInRange(lanes, 2 * (g.ow - j));
                IntVector start = TWICE.add(r0 * g.w + 2 * j), best = start;
                FloatVector v0 = whole ? FloatVector.fromArray(F, x, row) : FloatVector.fromArray(F, x, row, in0),
                        v1 = whole ? FloatVector.fromArray(F, x, row + lanes) : FloatVector.fromArray(F, x, row + lanes, in1);
                FloatVector m = EVEN.selectFrom(v0, v1);          // (0, 0), the start
                for (int a = 0; a < g.kh; a++) {
                    if (a > 0) {
                        int at = row + a * hs;
                        v0 = whole ? FloatVector.fromArray(F, x, at) : FloatVector.fromArray(F, x, at, in0);
                        v1 = whole ? FloatVector.fromArray(F, x, at + lanes) : FloatVector.fromArray(F, x, at + lanes, in1);
                        FloatVector v = EVEN.selectFrom(v0, v1);
                        VectorMask<Float> take = m.eq(m).and(v.compare(GT, m).or(v.compare(NE, v)));
                        m = m.blend(v, take);
                        best = best.blend(start.add(a * g.w), take.cast(I));
                    }
                    FloatVector v = ODD.selectFrom(v0, v1);
                    VectorMask<Float> take = m.eq(m).and(v.compare(GT, m).or(v.compare(NE, v)));
                    m = m.blend(v, take);
                    best = best.blend(start.add(a * g.w + 1), take.cast(I));
                }
                int t = i * g.ow + j, real = Math.min(lanes, g.ow - j);
                if (outDense && t + lanes <= total) m.intoArray(out, o + j);
                else {
                    m.intoArray(spare, 0);
                    System.arraycopy(spare, 0, out, o + j, real);
                }
                if (ixDense && t + lanes <= total) best.intoArray(ix, k + j);
                else {
                    best.intoArray(spareIx, 0);
                    System.arraycopy(spareIx, 0, ix, k + j, real);
                }
            }
        }
    }

    /*
     * One window, its loop over its real positions only (the bounds clamped to the plane). A window that starts in
     * the padding starts from its first position at −∞, which any real value but −∞ replaces; otherwise it starts
     * from its first real value, which the loop then meets again without effect.
     */
    private static void window(Geometry g, float[] x, int xp, int i, int j, float[] out, int o, int[] ix, int k) {
        int hs = g.xs[2], ws = g.xs[3], wpad = g.w + 2 * g.pw;
        int r0 = i * g.sh - g.ph, rlo = Math.max(r0, 0), rhi = Math.min(r0 + g.kh, g.h);
        int q0 = j * g.sw - g.pw, qlo = Math.max(q0, 0), qhi = Math.min(q0 + g.kw, g.w);
        int best = (r0 + g.ph) * wpad + q0 + g.pw;
        float m = rlo == r0 && qlo == q0 ? x[xp + r0 * hs + q0 * ws] : Float.NEGATIVE_INFINITY;
        for (int r = rlo; r < rhi; r++) {
            for (int q = qlo; q < qhi; q++) {
                float v = x[xp + r * hs + q * ws];
                if (m == m && (v > m || v != v)) {      // larger, or the first NaN (m != m: a NaN is kept)
                    m = v;
                    best = (r + g.ph) * wpad + q + g.pw;
                }
            }
        }
        out[o] = m;
        ix[k] = best;
    }

    private static void plane(Geometry g, double[] x, int xp, double[] out, int op, int[] ix, int ip) {
        for (int t = 0; t < g.oh * g.ow; t++) {
            int i = t / g.ow, j = t % g.ow;
            window(g, x, xp, i, j, out, op + i * g.os[2] + j * g.os[3], ix, ip + i * g.is[2] + j * g.is[3]);
        }
    }

    private static void window(Geometry g, double[] x, int xp, int i, int j, double[] out, int o, int[] ix, int k) {
        int hs = g.xs[2], ws = g.xs[3], wpad = g.w + 2 * g.pw;
        int r0 = i * g.sh - g.ph, rlo = Math.max(r0, 0), rhi = Math.min(r0 + g.kh, g.h);
        int q0 = j * g.sw - g.pw, qlo = Math.max(q0, 0), qhi = Math.min(q0 + g.kw, g.w);
        int best = (r0 + g.ph) * wpad + q0 + g.pw;
        double m = rlo == r0 && qlo == q0 ? x[xp + r0 * hs + q0 * ws] : Double.NEGATIVE_INFINITY;
        for (int r = rlo; r < rhi; r++) {
            for (int q = qlo; q < qhi; q++) {
                double v = x[xp + r * hs + q * ws];
                if (m == m && (v > m || v != v)) {
                    m = v;
                    best = (r + g.ph) * wpad + q + g.pw;
                }
            }
        }
        out[o] = m;
        ix[k] = best;
    }
}
