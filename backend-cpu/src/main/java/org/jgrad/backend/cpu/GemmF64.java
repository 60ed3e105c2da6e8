package org.jgrad.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded packed F64 GEMM, {@code C = A · B} on strided row/column operands: {@link GemmF32} with doubles
 * (8 lanes, so NR = 16 and the same bytes per micro-panel; MC = 96 keeps the A block's bytes too). The blocking
 * scheme is in {@link Gemm}'s header.
 */
final class GemmF64 {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MR = 8, NR = 2 * L, KC = 256, MC = 96, NC = 2048;

    /** Per-thread packing buffers, grown on demand and kept: a call allocates nothing once they fit. */
    private static final class Buffers {
        double[] a = new double[0], b = new double[0];
        final double[] tile = new double[MR * NR];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private GemmF64() {}

    /** c[i·crs + j·ccs] = Σ_p a[i·ars + p·acs] · b[p·brs + j·bcs] for i < m, j < n (offsets ao, bo, co added). */
    static void gemm(int m, int n, int k, double[] a, int ao, int ars, int acs, double[] b, int bo, int brs, int bcs,
                     double[] c, int co, int crs, int ccs) {
        if ((long) m * n * k < Gemm.SMALL) {
            direct(m, n, k, a, ao, ars, acs, b, bo, brs, bcs, c, co, crs, ccs);
            return;
        }
        // C narrower than a micro-panel (a convolution's weight gradient with 9 columns): Cᵀ = Bᵀ·Aᵀ pads fewer
        // lanes with zeros when its M side fits MR better than N fits NR (9 of 32 lanes → 9 of 16 rows)
        if (n < NR && (long) roundUp(m, NR) * roundUp(n, MR) < (long) roundUp(n, NR) * roundUp(m, MR)) {
            gemm(n, m, k, b, bo, bcs, brs, a, ao, acs, ars, c, co, ccs, crs);
            return;
        }
        Buffers buf = BUFFERS.get();
        int kcMax = Math.min(KC, k), ncMax = Math.min(NC, roundUp(n, NR)), mcMax = Math.min(MC, roundUp(m, MR));
        if (buf.a.length < mcMax * kcMax) buf.a = new double[mcMax * kcMax];
        if (buf.b.length < kcMax * ncMax) buf.b = new double[kcMax * ncMax];
        double[] pa = buf.a, pb = buf.b;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(b, bo + pc * brs + jc * bcs, brs, bcs, kc, nc, pb);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(a, ao + ic * ars + pc * acs, ars, acs, mc, kc, pa);
                    macro(pa, pb, mc, nc, kc, c, co + ic * crs + jc * ccs, crs, ccs, pc > 0, buf.tile);
                }
            }
        }
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }

    /** Every MR×NR tile of the block; edge tiles and non-unit column strides go through {@code tile}. */
    private static void macro(double[] pa, double[] pb, int mc, int nc, int kc, double[] c, int co, int crs, int ccs,
                              boolean accumulate, double[] tile) {
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
                    kernel(pa, ir * kc, pb, jr * kc, kc, c, at, crs);
                } else {
                    Arrays.fill(tile, 0);
                    kernel(pa, ir * kc, pb, jr * kc, kc, tile, 0, NR);
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
    private static void kernel(double[] pa, int ao, double[] pb, int bo, int kc, double[] c, int co, int ldc) {
        int o1 = co + ldc;
        int o2 = co + 2 * ldc;
        int o3 = co + 3 * ldc;
        int o4 = co + 4 * ldc;
        int o5 = co + 5 * ldc;
        int o6 = co + 6 * ldc;
        int o7 = co + 7 * ldc;
        DoubleVector c00 = DoubleVector.fromArray(S, c, co), c01 = DoubleVector.fromArray(S, c, co + L),
                c10 = DoubleVector.fromArray(S, c, o1), c11 = DoubleVector.fromArray(S, c, o1 + L),
                c20 = DoubleVector.fromArray(S, c, o2), c21 = DoubleVector.fromArray(S, c, o2 + L),
                c30 = DoubleVector.fromArray(S, c, o3), c31 = DoubleVector.fromArray(S, c, o3 + L),
                c40 = DoubleVector.fromArray(S, c, o4), c41 = DoubleVector.fromArray(S, c, o4 + L),
                c50 = DoubleVector.fromArray(S, c, o5), c51 = DoubleVector.fromArray(S, c, o5 + L),
                c60 = DoubleVector.fromArray(S, c, o6), c61 = DoubleVector.fromArray(S, c, o6 + L),
                c70 = DoubleVector.fromArray(S, c, o7), c71 = DoubleVector.fromArray(S, c, o7 + L);
        for (int p = 0; p < kc; p++) {
            int ia = ao + p * MR, ib = bo + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(S, pb, ib), b1 = DoubleVector.fromArray(S, pb, ib + L);
            DoubleVector x0 = DoubleVector.broadcast(S, pa[ia]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            DoubleVector x1 = DoubleVector.broadcast(S, pa[ia + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            DoubleVector x2 = DoubleVector.broadcast(S, pa[ia + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            DoubleVector x3 = DoubleVector.broadcast(S, pa[ia + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            DoubleVector x4 = DoubleVector.broadcast(S, pa[ia + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            DoubleVector x5 = DoubleVector.broadcast(S, pa[ia + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            DoubleVector x6 = DoubleVector.broadcast(S, pa[ia + 6]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            DoubleVector x7 = DoubleVector.broadcast(S, pa[ia + 7]);
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

    /** B[kc×nc] into NR-wide micro-panels: value (p, j) at (j / NR)·NR·kc + p·NR + j % NR, zero-padded. */
    private static void packB(double[] b, int bo, int brs, int bcs, int kc, int nc, double[] pb) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), dst = jr * kc, src = bo + jr * bcs;
            if (bcs == 1 && nr == NR) {
                for (int p = 0, s = src, d = dst; p < kc; p++, s += brs, d += NR) {   // two vectors: an arraycopy call per
                    DoubleVector.fromArray(S, b, s).intoArray(pb, d);                      // k costs as much as the kernel's step
                    DoubleVector.fromArray(S, b, s + L).intoArray(pb, d + L);
                }
                continue;
            }
            if (brs == 1) { // b is a transposed matrix: walk each of its rows contiguously
                for (int j = 0; j < nr; j++)
                    for (int p = 0, s = src + j * bcs; p < kc; p++) pb[dst + p * NR + j] = b[s + p];
            } else {
                for (int p = 0; p < kc; p++)
                    for (int j = 0, s = src + p * brs; j < nr; j++) pb[dst + p * NR + j] = b[s + j * bcs];
            }
            if (nr < NR)
                for (int p = 0; p < kc; p++)
                    for (int j = nr; j < NR; j++) pb[dst + p * NR + j] = 0;
        }
    }

    /** A[mc×kc] into MR-tall micro-panels: value (i, p) at (i / MR)·MR·kc + p·MR + i % MR, zero-padded. */
    private static void packA(double[] a, int ao, int ars, int acs, int mc, int kc, double[] pa) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir), dst = ir * kc, src = ao + ir * ars;
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

    /** Small problems: a dot product per output element, no packing. K = 0 writes zeros. */
    private static void direct(int m, int n, int k, double[] a, int ao, int ars, int acs, double[] b, int bo, int brs,
                               int bcs, double[] c, int co, int crs, int ccs) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0, x = ao + i * ars, y = bo + j * bcs; p < k; p++) acc = Math.fma(a[x + p * acs], b[y + p * brs], acc);
                c[co + i * crs + j * ccs] = acc;
            }
    }
}
