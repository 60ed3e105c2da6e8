package org.jgrad.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded packed F32 GEMM, {@code C = A · B} on strided row/column operands. The blocking scheme and why
 * MR, NR, KC, MC and NC have these values are in {@link Gemm}'s header; {@link GemmF64} is this file with doubles
 * and MC = 96 (it was made with sed: float→double, FloatVector→DoubleVector; keep the two in step), less what only
 * the F32 convolution kernels ({@link ConvKernels}) use: accumulating into C, an A packed once for many products,
 * and a B whose rows are runs at given offsets.
 */
final class GemmF32 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MR = 8, NR = 2 * L, KC = 256, MC = 192, NC = 2048;

    /** Per-thread packing buffers, grown on demand and kept: a call allocates nothing once they fit. */
    private static final class Buffers {
        float[] a = new float[0], b = new float[0];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private GemmF32() {}

    /** c[i·crs + j·ccs] (+)= Σ_p a[i·ars + p·acs] · b[p·brs + j·bcs] for i < m, j < n (offsets ao, bo, co added);
     * {@code accumulate} adds to C (a sum over several products, as a convolution's weight gradient over images). */
    static void gemm(int m, int n, int k, float[] a, int ao, int ars, int acs, float[] b, int bo, int brs, int bcs,
                     float[] c, int co, int crs, int ccs, boolean accumulate) {
        if ((long) m * n * k < Gemm.SMALL) {
            direct(m, n, k, a, ao, ars, acs, b, bo, brs, bcs, c, co, crs, ccs, accumulate);
            return;
        }
        // C narrower than a micro-panel (a convolution's weight gradient with 9 columns): Cᵀ = Bᵀ·Aᵀ pads fewer
        // lanes with zeros when its M side fits MR better than N fits NR (9 of 32 lanes → 9 of 16 rows)
        if (n < NR && (long) roundUp(m, NR) * roundUp(n, MR) < (long) roundUp(n, NR) * roundUp(m, MR)) {
            gemm(n, m, k, b, bo, bcs, brs, a, ao, acs, ars, c, co, ccs, crs, accumulate);
            return;
        }
        blocked(m, n, k, a, ao, ars, acs, null, b, bo, brs, bcs, null, c, co, crs, ccs, accumulate);
    }

    /** A packed once for many products that share it (a convolution's weight, image after image). */
    record PackedA(float[] data, int m, int k) {
    }

    /** A [m×k] in the micro-panels {@link #gemm(PackedA, int, float[], int, int, int, int[], float[], int, int, int, boolean)} reads. */
    static PackedA pack(int m, int k, float[] a, int ao, int ars, int acs) {
        int mPad = roundUp(m, MR);
        float[] data = new float[mPad * k];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            for (int ic = 0; ic < m; ic += MC)
                packA(a, ao + ic * ars + pc * acs, ars, acs, Math.min(MC, m - ic), kc, data, pc * mPad + ic * kc);
        }
        return new PackedA(data, m, k);
    }

    /**
     * {@code C (+)= A·B} with A packed by {@link #pack}; B [k×n] strided, or, when {@code rows} is not null, with row p
     * starting at {@code b[bo + rows[p]]} and contiguous (a convolution's column matrix read straight from the
     * padded image: every row is a shifted run of it, and no column matrix is written).
     */
    static void gemm(PackedA a, int n, float[] b, int bo, int brs, int bcs, int[] rows, float[] c, int co, int crs,
                     int ccs, boolean accumulate) {
        blocked(a.m, n, a.k, null, 0, 0, 0, a, b, bo, brs, bcs, rows, c, co, crs, ccs, accumulate);
    }

    /** The loop nest of {@link Gemm}'s header; A packed here per block unless {@code packed} holds all of it. */
    private static void blocked(int m, int n, int k, float[] a, int ao, int ars, int acs, PackedA packed, float[] b,
                                int bo, int brs, int bcs, int[] rows, float[] c, int co, int crs, int ccs, boolean accumulate) {
        Buffers buf = BUFFERS.get();
        int kcMax = Math.min(KC, k), ncMax = Math.min(NC, roundUp(n, NR)), mcMax = Math.min(MC, roundUp(m, MR));
        if (packed == null && buf.a.length < mcMax * kcMax) buf.a = new float[mcMax * kcMax];
        if (buf.b.length < kcMax * ncMax) buf.b = new float[kcMax * ncMax];
        float[] pb = buf.b;
        int mPad = roundUp(m, MR);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(b, bo + jc * bcs, brs, bcs, rows, pc, kc, nc, pb);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    if (packed == null) packA(a, ao + ic * ars + pc * acs, ars, acs, mc, kc, buf.a, 0);
                    macro(packed == null ? buf.a : packed.data, packed == null ? 0 : pc * mPad + ic * kc, pb, mc, nc, kc,
                            c, co + ic * crs + jc * ccs, crs, ccs, accumulate || pc > 0, buf.tile);
                }
            }
        }
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }

    /** Every MR×NR tile of the block; edge tiles and non-unit column strides go through {@code tile}. */
    private static void macro(float[] pa, int pao, float[] pb, int mc, int nc, int kc, float[] c, int co, int crs,
                              int ccs, boolean accumulate, float[] tile) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir), at = co + ir * crs + jr * ccs;
                if (mr == MR && nr == NR && ccs == 1) {
                    // the kernel always accumulates: the first K step zeroes its tile here, where the kernel's
                    // loads then hit L1, rather than in a pass over all of C beforehand (a 14 MB C went to memory
                    // and back)
                    if (!accumulate)
                        for (int r = 0; r < MR; r++) Arrays.fill(c, at + r * crs, at + r * crs + NR, 0);
                    kernel(pa, pao + ir * kc, pb, jr * kc, kc, c, at, crs);
                } else {
                    Arrays.fill(tile, 0);
                    kernel(pa, pao + ir * kc, pb, jr * kc, kc, tile, 0, NR);
                    for (int r = 0; r < mr; r++)
                        for (int j = 0; j < nr; j++) {
                            int q = at + r * crs + j * ccs;
                            c[q] = accumulate ? c[q] + tile[r * NR + j] : tile[r * NR + j];
                        }
                }
            }
        }
    }

    /**
     * The micro-kernel: c[r·ldc + j] += Σ_p pa[ao + p·MR + r] · pb[bo + p·NR + j] for r < MR, j < NR. The 16
     * accumulators are locals so that C2 keeps them in registers; it always accumulates (the caller zeroes the tile
     * first) because a branch between load and zero here pushed C2 past its inlining node budget, and the
     * vector stores it then failed to inline boxed every accumulator (7× slower).
     */
    private static void kernel(float[] pa, int ao, float[] pb, int bo, int kc, float[] c, int co, int ldc) {
        int o1 = co + ldc;
        int o2 = co + 2 * ldc;
        int o3 = co + 3 * ldc;
        int o4 = co + 4 * ldc;
        int o5 = co + 5 * ldc;
        int o6 = co + 6 * ldc;
        int o7 = co + 7 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, co), c01 = FloatVector.fromArray(S, c, co + L),
                c10 = FloatVector.fromArray(S, c, o1), c11 = FloatVector.fromArray(S, c, o1 + L),
                c20 = FloatVector.fromArray(S, c, o2), c21 = FloatVector.fromArray(S, c, o2 + L),
                c30 = FloatVector.fromArray(S, c, o3), c31 = FloatVector.fromArray(S, c, o3 + L),
                c40 = FloatVector.fromArray(S, c, o4), c41 = FloatVector.fromArray(S, c, o4 + L),
                c50 = FloatVector.fromArray(S, c, o5), c51 = FloatVector.fromArray(S, c, o5 + L),
                c60 = FloatVector.fromArray(S, c, o6), c61 = FloatVector.fromArray(S, c, o6 + L),
                c70 = FloatVector.fromArray(S, c, o7), c71 = FloatVector.fromArray(S, c, o7 + L);
        for (int p = 0; p < kc; p++) {
            int ia = ao + p * MR, ib = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, ib), b1 = FloatVector.fromArray(S, pb, ib + L);
            FloatVector x0 = FloatVector.broadcast(S, pa[ia]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, pa[ia + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, pa[ia + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, pa[ia + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, pa[ia + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, pa[ia + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(S, pa[ia + 6]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(S, pa[ia + 7]);
            c70 = x7.fma(b0, c70);
            c71 = x7.fma(b1, c71);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
        c40.intoArray(c, o4);
        c41.intoArray(c, o4 + L);
        c50.intoArray(c, o5);
        c51.intoArray(c, o5 + L);
        c60.intoArray(c, o6);
        c61.intoArray(c, o6 + L);
        c70.intoArray(c, o7);
        c71.intoArray(c, o7 + L);
    }

    /**
     * Rows [r0, r0 + kc) of B[·×nc] into NR-wide micro-panels: value (p, j) at (j / NR)·NR·kc + p·NR + j % NR,
     * zero-padded. Row p starts at {@code bo + p·brs}, or at {@code bo + rows[p]} (contiguous) when rows is given.
     */
    private static void packB(float[] b, int bo, int brs, int bcs, int[] rows, int r0, int kc, int nc, float[] pb) {
        if (rows == null) bo += r0 * brs;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), dst = jr * kc, src = bo + jr * bcs;
            if (rows != null) {
                for (int p = 0, d = dst; p < kc; p++, d += NR) {
                    int s = src + rows[r0 + p];
                    if (nr == NR) {
                        FloatVector.fromArray(S, b, s).intoArray(pb, d);
                        FloatVector.fromArray(S, b, s + L).intoArray(pb, d + L);
                    } else {
                        for (int j = 0; j < nr; j++) pb[d + j] = b[s + j];
                        for (int j = nr; j < NR; j++) pb[d + j] = 0;
                    }
                }
                continue;
            }
            if (bcs == 1 && nr == NR) {
                for (int p = 0, s = src, d = dst; p < kc; p++, s += brs, d += NR) {   // two vectors: an arraycopy call per
                    FloatVector.fromArray(S, b, s).intoArray(pb, d);                      // k costs as much as the kernel's step
                    FloatVector.fromArray(S, b, s + L).intoArray(pb, d + L);
                }
                continue;
            }
            if (brs == 1) { // b is a transposed matrix: walk each of its rows contiguously
                int p0 = 0;
                if (Transpose16.APPLIES && nr == NR)
                    for (; p0 + L <= kc; p0 += L)
                        for (int j = 0; j < NR; j += L)
                            Transpose16.transpose(b, src + j * bcs + p0, bcs, pb, dst + p0 * NR + j, NR);
                for (int j = 0; j < nr; j++)
                    for (int p = p0, s = src + j * bcs; p < kc; p++) pb[dst + p * NR + j] = b[s + p];
            } else {
                for (int p = 0; p < kc; p++)
                    for (int j = 0, s = src + p * brs; j < nr; j++) pb[dst + p * NR + j] = b[s + j * bcs];
            }
            if (nr < NR)
                for (int p = 0; p < kc; p++)
                    for (int j = nr; j < NR; j++) pb[dst + p * NR + j] = 0;
        }
    }

    /** A[mc×kc] into MR-tall micro-panels from pa[pao]: value (i, p) at (i / MR)·MR·kc + p·MR + i % MR, zero-padded. */
    private static void packA(float[] a, int ao, int ars, int acs, int mc, int kc, float[] pa, int pao) {
        int done = 0;
        if (acs == 1 && MR == 8 && Transpose16.APPLIES && kc >= 16)     // row-major: two panels per 16×16 block
            for (; done + 2 * MR <= mc; done += 2 * MR) {
                int p0 = 0, dst = pao + done * kc, src = ao + done * ars;
                for (; p0 + 16 <= kc; p0 += 16)
                    Transpose16.transposeToPanels(a, src + p0, ars, pa, dst + p0 * MR, dst + MR * kc + p0 * MR);
                for (int r = 0; r < 2 * MR; r++)
                    for (int p = p0, s = src + r * ars; p < kc; p++) pa[dst + (r / MR) * MR * kc + p * MR + r % MR] = a[s + p];
            }
        for (int ir = done; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir), dst = pao + ir * kc, src = ao + ir * ars;
            if (ars == 1 && mr == MR) { // a is a transposed matrix: MR rows are contiguous at each p
                for (int p = 0; p < kc; p++)                      // a loop, not an arraycopy call per MR values
                    for (int r = 0, s = src + p * acs, d = dst + p * MR; r < MR; r++) pa[d + r] = a[s + r];
                continue;
            }
            if (acs == 1) {
                for (int r = 0; r < mr; r++)
                    for (int p = 0, s = src + r * ars; p < kc; p++) pa[dst + p * MR + r] = a[s + p];
            } else {
                for (int p = 0; p < kc; p++)
                    for (int r = 0, s = src + p * acs; r < mr; r++) pa[dst + p * MR + r] = a[s + r * ars];
            }
            if (mr < MR)
                for (int p = 0; p < kc; p++)
                    for (int r = mr; r < MR; r++) pa[dst + p * MR + r] = 0;
        }
    }

    /** Small problems: a dot product per output element, no packing. K = 0 writes zeros (adds nothing). */
    private static void direct(int m, int n, int k, float[] a, int ao, int ars, int acs, float[] b, int bo, int brs,
                               int bcs, float[] c, int co, int crs, int ccs, boolean accumulate) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float acc = 0;
                for (int p = 0, x = ao + i * ars, y = bo + j * bcs; p < k; p++) acc = Math.fma(a[x + p * acs], b[y + p * brs], acc);
                int q = co + i * crs + j * ccs;
                c[q] = accumulate ? c[q] + acc : acc;
            }
    }
}
