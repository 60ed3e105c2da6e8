package org.jgrad.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.jgrad.DType;
import org.jgrad.spi.Conv2dGeometry;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.View;

/**
 * The SPI's fused 2-d convolution kernels (forward, input gradient, weight gradient) for F32 at stride 1, one image
 * (and group) at a time, so that the column matrix of im2col lives in L2 instead of going to memory.
 *
 * <p>Why: core's composite builds the column matrix of the whole batch ({@code [C·KH·KW, N·OH·OW]}, 14 MB for the
 * convnet's second layer at batch 64), which each of the three passes writes or reads through memory, plus permuted
 * copies of the output and of its gradient; the GEMMs then ran at 90–150 GFLOP/s against ~190 with operands in
 * cache. Per image the same matrix is 258 KB.
 *
 * <p>How (stride 1): the input is copied once per image into a zero-padded plane buffer {@code [C, HP, WP]}. Output
 * position (oy, ox) is then numbered {@code p = oy·WP + ox} on the padded width, so row {@code k = (c, ki, kj)} of
 * the column matrix is the contiguous run of {@code OH·WP} values starting at {@code c·HP·WP + ki·dh·WP + kj·dw}.
 * <ul>
 * <li>Forward: the GEMM packs those runs straight from the planes (the column matrix is never written), with the
 *     weight packed once per call; the {@code WP − OW} positions at the end of each output row ({@code ox ≥ OW}, 2 of
 *     16 for a 3×3 kernel on 14 columns) are computed and thrown away as the product is compacted into the output.
 *     When the column matrix is smaller than the output (K &lt; O/groups: a first layer), it is written exactly
 *     instead and the GEMM writes the output in place.</li>
 * <li>Input gradient: the same forward pass over the gradient padded by {@code d·(k−1) − p}, with the weight flipped
 *     and transposed: a reduction over O·KH·KW, and no column gradient or col2im.</li>
 * <li>Weight gradient: {@code [O, K] += g [O, OH·OW] · columnsᵀ}, image after image, with the exact column matrix
 *     written (226 KB for the convnet's second layer) and a dense gradient read in place.</li>
 * </ul>
 * Each product is one call of {@link GemmF32} on the calling thread; images are split over {@link Parallel}.
 *
 * <p>Determinism: the weight gradient sums over images in fixed slices whose number depends on the shapes alone
 * (never on the thread count), and adds the slices' partial sums in order, so results are identical on any number
 * of threads.
 *
 * <p>Returns false (core runs the composite) for F64, strides other than 1, and outputs that are not dense.
 */
final class ConvKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Most slices the weight gradient's sum over images is cut into; each needs a partial sum of the weight's size. */
    private static final int MAX_SLICES = 16;
    /** Upper bound on the elements of all partial sums together (16 MiB of floats). */
    private static final int PARTIALS_BUDGET = 1 << 22;
    /** Multiply-adds below which a chunk of images is not worth a worker's wake-up (about 100 µs of work). */
    private static final long CHUNK_MADDS = 1L << 22;

    private ConvKernels() {
    }

    /** The per-thread scratch arrays: the padded planes, the column matrix, the padded gradient, the product. */
    private static final int PADDED = 0, COLS = 1, GRAD = 2, PRODUCT = 3;
    /** Largest scratch array kept between calls (4 MiB); a larger layer's are allocated per call and collected. */
    private static final int KEEP = 1 << 20;

    /** Per-thread scratch arrays, grown on demand and kept up to {@link #KEEP} floats each. */
    private static final class Buffers {
        private final float[][] arrays = {new float[0], new float[0], new float[0], new float[0]};

        /** At least n floats (plus a vector of slack for the whole-vector loops running past the end). */
        float[] get(int slot, int n) {
            float[] a = arrays[slot];
            if (a.length >= n + L) return a;
            a = new float[n + L];
            if (a.length <= KEEP) arrays[slot] = a;
            return a;
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /**
     * One call's geometry. x {@code [N, C, H, W]}, weight {@code [O, CG, KH, KW]}, output {@code [N, O, OH, OW]};
     * the padded plane is {@code HP × WP}, the column matrix {@code [K, P]} with {@code K = CG·KH·KW} and
     * {@code P = OH·WQ}; {@code rows[k]} is where row k starts in the padded planes of one group.
     * <p>Two numberings of the output positions: on the padded width ({@code WQ = WP}, {@code exact} false), where
     * the column matrix is never written (the GEMM reads its rows from the padded planes) and the product is then
     * compacted into the output; or exact ({@code WQ = OW}), where the column matrix is written row by row and the
     * GEMM writes the output in place. Exact when the column matrix is the smaller of the two copies (K &lt; OG: the
     * first layers of a network, with few input channels).
     */
    private record Shape(int n, int c, int h, int w, int o, int cg, int og, int kh, int kw, int groups, int ph, int pw,
            int hp, int wp, int oh, int ow, int k, boolean exact, int wq, int p, int paddedSize, int[] rows) {

        static Shape of(int[] xs, int[] ws, Conv2dGeometry geo) {
            int groups = geo.groups(), kh = ws[2], kw = ws[3], hp = xs[2] + 2 * geo.padH(), wp = xs[3] + 2 * geo.padW();
            int oh = geo.outHeight(xs[2], kh), ow = geo.outWidth(xs[3], kw), cg = xs[1] / groups, k = cg * kh * kw;
            int[] rows = new int[k];
            for (int ci = 0, r = 0; ci < cg; ci++)
                for (int ki = 0; ki < kh; ki++)
                    for (int kj = 0; kj < kw; kj++)
                        rows[r++] = ci * hp * wp + ki * geo.dilationH() * wp + kj * geo.dilationW();
            // the thrown-away positions of the last output row read up to (KW − 1)·dw values past the last plane
            int paddedSize = cg * hp * wp + (kw - 1) * geo.dilationW();
            boolean exact = k < ws[0] / groups;
            int wq = exact ? ow : wp;
            return new Shape(xs[0], xs[1], xs[2], xs[3], ws[0], cg, ws[0] / groups, kh, kw, groups, geo.padH(),
                    geo.padW(), hp, wp, oh, ow, k, exact, wq, oh * wq, paddedSize, rows);
        }

        /** The same geometry in the exact numbering. */
        Shape exactNumbering() {
            return new Shape(n, c, h, w, o, cg, og, kh, kw, groups, ph, pw, hp, wp, oh, ow, k, true, ow, oh * ow,
                    paddedSize, rows);
        }

        long maddsPerImage() {
            return (long) o * k * p;
        }

        /** Images per chunk handed to a thread. */
        int grain() {
            return (int) Math.max(1, CHUNK_MADDS / Math.max(1, maddsPerImage()));
        }
    }

    /** Whether these operands take the fused path. */
    private static boolean applies(Conv2dGeometry geo, View out) {
        return out.dtype() == DType.F32 && geo.strideH() == 1 && geo.strideW() == 1
                && out.layout().isContiguous();
    }

    static boolean forward(View x, View weight, View bias, Conv2dGeometry geo, View out) {
        if (!applies(geo, out)) return false;
        Shape s = Shape.of(x.shape(), weight.shape(), geo);
        Matrix w = Matrix.weight(weight, s);
        GemmF32.PackedA[] packed = new GemmF32.PackedA[s.groups];
        for (int gi = 0; gi < s.groups; gi++)
            packed[gi] = GemmF32.pack(s.og, s.k, w.a, w.offset + gi * s.og * w.rowStride, w.rowStride, w.colStride);
        correlate(x, s, packed, bias == null ? null : dense(bias), out);
        return true;
    }

    /**
     * The input gradient as a forward convolution (stride 1): {@code gx[c, y, x] = Σ gq[o, y + ki·dh, x + kj·dw] ·
     * w[o, c, KH−1−ki, KW−1−kj]}, where gq is the gradient padded by {@code q = d·(k−1) − p}. A long reduction
     * (O·KH·KW) and a short output side, in place of the column gradient ([C·KH·KW, P], a GEMM with a reduction of O)
     * and its col2im. Padding beyond {@code d·(k−1)} (borders that see no input) would need q < 0: the composite runs.
     */
    static boolean inputGrad(View grad, View weight, Conv2dGeometry geo, View out) {
        int[] ws = weight.shape(), xs = out.shape();
        int qh = geo.dilationH() * (ws[2] - 1) - geo.padH(), qw = geo.dilationW() * (ws[3] - 1) - geo.padW();
        if (!applies(geo, out) || qh < 0 || qw < 0) return false;
        int groups = geo.groups(), og = ws[0] / groups, cg = ws[1], kk = ws[2] * ws[3];
        Shape s = Shape.of(grad.shape(), new int[] {xs[1], og, ws[2], ws[3]},
                new Conv2dGeometry(1, 1, qh, qw, geo.dilationH(), geo.dilationW(), groups));
        // the flipped, transposed weight of each group: [CG, OG·KH·KW]
        float[] wa = (float[]) ((HeapStorage) weight.storage()).array(), flipped = new float[xs[1] * og * kk];
        int[] st = weight.layout().strides();
        for (int gi = 0, i = 0; gi < groups; gi++)
            for (int c = 0; c < cg; c++)
                for (int o = 0; o < og; o++)
                    for (int ki = ws[2] - 1; ki >= 0; ki--)
                        for (int kj = ws[3] - 1; kj >= 0; kj--)
                            flipped[i++] = wa[weight.layout().offset() + (gi * og + o) * st[0] + c * st[1] + ki * st[2] + kj * st[3]];
        GemmF32.PackedA[] packed = new GemmF32.PackedA[groups];
        for (int gi = 0; gi < groups; gi++) packed[gi] = GemmF32.pack(cg, s.k, flipped, gi * cg * s.k, s.k, 1);
        correlate(grad, s, packed, null, out);
        return true;
    }

    /**
     * {@code out [N, groups·OG, OH, OW] = packed[g] · columns(in's group g) (+ bias)} image by image: the shared body
     * of the forward pass and of the input gradient.
     */
    private static void correlate(View in, Shape s, GemmF32.PackedA[] packed, float[] bias, View out) {
        float[] xa = (float[]) ((HeapStorage) in.storage()).array(), oa = (float[]) ((HeapStorage) out.storage()).array();
        int oo = out.layout().offset();
        VectorMask<Float>[] valid = s.exact ? validLanes(s) : null;
        Parallel.forRange(s.n, s.grain(), (from, to) -> {
            Buffers buf = BUFFERS.get();
            float[] padded = buf.get(PADDED, s.paddedSize);
            float[] product = s.exact ? null : buf.get(PRODUCT, s.og * s.p);
            float[] cols = s.exact ? buf.get(COLS, s.k * s.p) : null;
            for (int n = from; n < to; n++)
                for (int gi = 0; gi < s.groups; gi++) {
                    pad(in, xa, n, gi * s.cg, s, padded);
                    if (s.exact) {
                        int block = oo + (n * s.o + gi * s.og) * s.p;
                        // out [OG, OH·OW] (+)= w [OG, K] · columns [K, OH·OW], written in place (on the bias)
                        columns(padded, s, cols, valid);
                        if (bias != null)
                            for (int o = 0; o < s.og; o++) Arrays.fill(oa, block + o * s.p, block + (o + 1) * s.p, bias[gi * s.og + o]);
                        GemmF32.gemm(packed[gi], s.p, cols, 0, s.p, 1, null, oa, block, s.p, 1, bias != null);
                        continue;
                    }
                    // [OG, P] = w [OG, K] · columns [K, P], the columns read from the padded planes as they are packed
                    GemmF32.gemm(packed[gi], s.p, padded, 0, 0, 1, s.rows, product, 0, s.p, 1, false);
                    for (int o = 0; o < s.og; o++) {
                        int oc = gi * s.og + o;
                        compact(product, o * s.p, s.wp, s.oh, s.ow, oa, oo + (n * s.o + oc) * s.oh * s.ow,
                                bias == null ? 0 : bias[oc], bias != null, oo + (n * s.o + (gi + 1) * s.og) * s.oh * s.ow);
                    }
                }
        });
    }

    static boolean weightGrad(View x, View grad, Conv2dGeometry geo, View out) {
        if (!applies(geo, out)) return false;
        // exact numbering: the column matrix is written either way, and so no work is spent on thrown-away positions
        // and a dense gradient is read in place
        Shape s = Shape.of(x.shape(), out.shape(), geo).exactNumbering();
        int size = s.o * s.k;
        int slices = Math.min(Math.min(s.n, MAX_SLICES), Math.max(1, PARTIALS_BUDGET / size));
        float[] xa = (float[]) ((HeapStorage) x.storage()).array(), ga = (float[]) ((HeapStorage) grad.storage()).array();
        float[] oa = (float[]) ((HeapStorage) out.storage()).array();
        int oo = out.layout().offset();
        // slice t sums images [t·N/slices, (t+1)·N/slices) in order into its own partial (the output itself when alone)
        float[] partials = slices == 1 ? oa : new float[slices * size];
        int base = slices == 1 ? oo : 0;
        long sliceMadds = s.maddsPerImage() * (s.n / slices);
        VectorMask<Float>[] valid = validLanes(s);
        int[] gs = grad.layout().strides();
        int go = grad.layout().offset();
        boolean direct = gs[3] == 1 && gs[2] == s.ow;
        Parallel.forRange(slices, (int) Math.max(1, CHUNK_MADDS / Math.max(1, sliceMadds)), (from, to) -> {
            Buffers buf = BUFFERS.get();
            float[] padded = buf.get(PADDED, s.paddedSize);
            float[] cols = buf.get(COLS, s.k * s.p);
            float[] g = buf.get(GRAD, s.og * s.p);
            for (int t = from; t < to; t++) {
                int first = (int) ((long) s.n * t / slices), end = (int) ((long) s.n * (t + 1) / slices);
                for (int n = first; n < end; n++)
                    for (int gi = 0; gi < s.groups; gi++) {
                        pad(x, xa, n, gi * s.cg, s, padded);
                        columns(padded, s, cols, valid);
                        // w-gradient [OG, K] (+)= g [OG, P] · columnsᵀ [P, K], g read in place when dense
                        int at = base + t * size + gi * s.og * s.k;
                        if (direct)
                            GemmF32.gemm(s.og, s.k, s.p, ga, go + n * gs[0] + gi * s.og * gs[1], gs[1], 1, cols, 0, 1, s.p,
                                    partials, at, s.k, 1, n > first);
                        else {
                            gradient(grad, ga, n, gi * s.og, s, g, valid);
                            GemmF32.gemm(s.og, s.k, s.p, g, 0, s.p, 1, cols, 0, 1, s.p, partials, at, s.k, 1, n > first);
                        }
                    }
            }
        });
        if (slices > 1)
            Parallel.forRange(size, CpuBackend.GRAIN, (from, to) -> {
                System.arraycopy(partials, from, oa, oo + from, to - from);
                for (int t = 1; t < slices; t++) Elementwise.accumulate(partials, t * size + from, 1, oa, oo + from, 1, to - from);
            });
        return true;
    }

    /** Image n's channels [c0, c0 + CG) of x into the zero-padded planes. */
    private static void pad(View x, float[] xa, int n, int c0, Shape s, float[] padded) {
        Arrays.fill(padded, 0, s.paddedSize, 0);
        int[] xs = x.layout().strides();
        // rows of 14 or 28 values: whole vectors and one masked one, as an arraycopy call per row cost more than its copy
        VectorMask<Float> tail = F.indexInRange(0, s.w % L);
        for (int ci = 0; ci < s.cg; ci++)
            for (int iy = 0; iy < s.h; iy++) {
                int src = x.layout().offset() + n * xs[0] + (c0 + ci) * xs[1] + iy * xs[2];
                int dst = ci * s.hp * s.wp + (iy + s.ph) * s.wp + s.pw;
                if (xs[3] != 1) {
                    for (int ix = 0; ix < s.w; ix++) padded[dst + ix] = xa[src + ix * xs[3]];
                    continue;
                }
                int ix = 0;
                for (; ix + L <= s.w; ix += L) FloatVector.fromArray(F, xa, src + ix).intoArray(padded, dst + ix);
                if (ix < s.w) FloatVector.fromArray(F, xa, src + ix, tail).intoArray(padded, dst + ix, tail);
            }
    }

    /** The exact column matrix [K, OH·OW] of the padded planes (callers use the exact numbering). */
    private static void columns(float[] padded, Shape s, float[] cols, VectorMask<Float>[] valid) {
        for (int r = 0; r < s.k; r++) spread(padded, s.rows[r], s.wp, s.oh, cols, r * s.p, s, valid);
    }

    /** Image n's output channels [o0, o0 + OG) of a strided gradient as a dense [OG, OH·OW] (exact numbering). */
    private static void gradient(View grad, float[] ga, int n, int o0, Shape s, float[] g, VectorMask<Float>[] valid) {
        int[] gs = grad.layout().strides();
        int go = grad.layout().offset() + n * gs[0] + o0 * gs[1];
        if (gs[3] == 1 && go + (s.og - 1) * gs[1] + (s.oh - 1) * gs[2] + valid.length * L <= ga.length) {
            for (int o = 0; o < s.og; o++) spread(ga, go + o * gs[1], gs[2], s.oh, g, o * s.p, s, valid);
            return;
        }
        for (int o = 0; o < s.og; o++)
            for (int oy = 0; oy < s.oh; oy++)
                for (int ox = 0, src = go + o * gs[1] + oy * gs[2], dst = o * s.p + oy * s.ow; ox < s.ow; ox++)
                    g[dst + ox] = ga[src + ox * gs[3]];
    }

    /** Masks that keep the first OW lanes of a WQ-wide row, one per vector of it. */
    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] validLanes(Shape s) {
        VectorMask<Float>[] valid = new VectorMask[(s.wq + L - 1) / L];
        for (int c = 0; c < valid.length; c++) valid[c] = F.indexInRange(c * L, s.ow);
        return valid;
    }

    /**
     * {@code rows} rows of the column numbering: {@code dst[d + r·WQ + i] = i < OW ? src[src0 + r·ss + i] : 0}, as whole
     * vectors under the {@link #validLanes} masks (one vector a row for the convnet's second layer: 14 values and 2
     * zeros). A row's loads run into the next row, whose values the masks drop, and its stores into the next row,
     * which is written after it; the last row's run past the end lands in the buffers' slack of one vector.
     */
    private static void spread(float[] src, int src0, int ss, int rows, float[] dst, int d, Shape s,
                               VectorMask<Float>[] valid) {
        FloatVector zero = FloatVector.zero(F);
        for (int r = 0; r < rows; r++, src0 += ss, d += s.wq)
            for (int c = 0; c < valid.length; c++)
                zero.blend(FloatVector.fromArray(F, src, src0 + c * L), valid[c]).intoArray(dst, d + c * L);
    }

    /**
     * {@code dst[d + r·n + i] = src[s + r·ss + i] (+ add when biased)} for r < rows and i < n: packs rows of n values
     * (14 or 28 for the convnet: short, so C2's own vectorised loop would leave them all to its scalar tail) with
     * whole vectors. A vector that runs past a row's end writes into what follows, which this thread writes
     * afterwards, up to {@code end} (the end of the image's block of channels, past which another thread may write);
     * the last values before end are written as scalars. Loads may run up to a vector past a row's end (into the
     * next row, or the buffers' slack).
     */
    private static void compact(float[] src, int s, int ss, int rows, int n, float[] dst, int d, float add,
                                boolean biased, int end) {
        for (int r = 0; r < rows; r++, s += ss, d += n) {
            int i = 0;
            for (; i < n && d + i + L <= end; i += L) {
                FloatVector v = FloatVector.fromArray(F, src, s + i);
                (biased ? v.add(add) : v).intoArray(dst, d + i);
            }
            for (; i < n; i++) dst[d + i] = biased ? src[s + i] + add : src[s + i];
        }
    }

    /** A dense copy of a 1-d view (the bias: O values). */
    private static float[] dense(View v) {
        float[] a = (float[]) ((HeapStorage) v.storage()).array();
        int n = v.shape()[0], o = v.layout().offset(), st = v.layout().strides()[0];
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = a[o + i * st];
        return d;
    }

    /** The weight {@code [O, CG, KH, KW]} as an [O, K] matrix: its own storage when the last three dims merge, else a copy. */
    private record Matrix(float[] a, int offset, int rowStride, int colStride) {
        static Matrix weight(View w, Shape s) {
            int[] ws = w.layout().strides();
            float[] a = (float[]) ((HeapStorage) w.storage()).array();
            if (ws[2] == s.kw * ws[3] && ws[1] == s.kh * ws[2]) return new Matrix(a, w.layout().offset(), ws[0], ws[3]);
            float[] d = new float[s.o * s.k];
            for (int o = 0, i = 0; o < s.o; o++)
                for (int ci = 0; ci < s.cg; ci++)
                    for (int ki = 0; ki < s.kh; ki++)
                        for (int kj = 0; kj < s.kw; kj++)
                            d[i++] = a[w.layout().offset() + o * ws[0] + ci * ws[1] + ki * ws[2] + kj * ws[3]];
            return new Matrix(d, 0, s.k, 1);
        }
    }
}
