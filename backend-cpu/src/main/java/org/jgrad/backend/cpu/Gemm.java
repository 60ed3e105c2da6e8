package org.jgrad.backend.cpu;

import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.Layout;
import org.jgrad.spi.View;

/**
 * Batched matrix product {@code out[t] = a[t] · b[t]} for a [B,M,K], b [B,K,N], out [B,M,N], any non-negative
 * strides (transposed and stride-0 batch operands are read through their strides while packing, never copied
 * first). This class splits the work over threads; {@link GemmF32} and {@link GemmF64} hold the kernels.
 *
 * <h2>Blocking scheme (Goto/BLIS), tuned for AMD EPYC Zen 5 (family 26) with AVX-512</h2>
 * Per core: L1d 48 KiB, L2 1 MiB, L3 32 MiB shared; two 512-bit FMA pipes, so the FMA peak is 64 F32 flop/cycle,
 * ~250 GFLOP/s at ~4 GHz (measured with an FMA loop; the 117 GFLOP/s is half that rate).
 * <pre>
 * for jc in N step NC          B panel  KC×NC packed per (jc, pc), lives in L2/L3
 *   for pc in K step KC
 *     pack B[pc:+KC, jc:+NC] into NR-wide micro-panels (k-major: NR contiguous values per k)
 *     for ic in M step MC      A block  MC×KC packed, lives in L2
 *       pack A[ic:+MC, pc:+KC] into MR-tall micro-panels (k-major: MR contiguous values per k)
 *       for jr in NC step NR   one B micro-panel KC×NR stays in L1 ...
 *         for ir in MC step MR ... while the A micro-panels stream from L2
 *           C[MR×NR] (+)= A micro-panel · B micro-panel     (micro-kernel, all in registers)
 * </pre>
 * <ul>
 * <li>Micro-tile MR×NR = 8×32 for F32 (8×16 for F64): 16 accumulators of 16 lanes + 2 B vectors + 1 broadcast =
 *     19 of the 32 zmm registers, so C2 never spills; 16 independent FMA chains cover the 4-cycle latency of two
 *     pipes (8 needed). Per k step: 2 vector loads + 8 broadcasts for 16 FMAs. Measured on L1-resident panels:
 *     8×32 ≈ 255 GFLOP/s, 12×32 and 6×64 about the same, 14×32 and 8×48 slower (register pressure).
 *     NR is {@code 2 × SPECIES_PREFERRED.length()}, so a 256-bit machine gets 8×16 without edits.</li>
 * <li>KC = 256: the B micro-panel (KC·NR·4 B = 32 KiB) plus one A micro-panel (8 KiB) fit the 48 KiB L1.
 *     The F64 micro-panels have the same byte size.</li>
 * <li>MC = 192 (F32; 96 for F64): the A block MC·KC·4 B = 192 KiB sits in a fifth of L2, leaving room for the
 *     B micro-panels streaming through and for C.</li>
 * <li>NC = 2048: the B panel KC·NC·4 B = 2 MiB per thread fits easily in the L3 share; for N ≤ 2048 B is packed
 *     once per KC step.</li>
 * </ul>
 * Edges: packed panels are zero-padded to MR/NR multiples, the kernel always computes a full tile, and an edge
 * tile (or an output whose columns are not contiguous) goes through a small tile buffer merged into C, so the
 * edges run at kernel speed. Packing buffers are per thread (ThreadLocal), grown on demand, never per call.
 * Threads: above {@link #parallelMadds} the work is split through {@link Parallel#forRange} over batch items
 * when there are enough of them, else over the longer of M (in MR multiples) and N (in NR multiples): each
 * thread packs its own share of one operand and all of the other, so the repeated copy is the smaller one.
 * Problems below {@link #SMALL} multiply-adds take a direct loop.
 *
 * <p>Measured (self-made harness, medians after 1 s warm-up, quiet machine, 2026-11-27), F32 row-major,
 * GFLOP/s at 1 thread / 2 threads: 256³ 209 / 233, 512³ 226 / 385, 1024³ 219 / 421, 2048³ 198 / 394; F64
 * 1024³ 103 / 205; 64×256×784 with a transposed B (a linear layer) 173 at 1 thread. 1 thread runs at ~80–88 %
 * of the measured FMA peak; the rest is the packing (a transposed B and a row-major A go through {@link Transpose16},
 * 0.1 ns per element against the scalar copy's ~0.3), the C tile loads and L1 refills of the B
 * micro-panel between A micro-panels. A sweep of KC ∈ {192, 256, 384, 512} and
 * MC ∈ {96, 128, 192, 384} at 1024³ stayed within ±4 % of each other, so the blocking is not the limit.
 * At 256³ two threads gain little: the worker's wake-up (20–40 µs) is a fifth of the whole product.
 */
final class Gemm {

    /**
     * Below this many multiply-adds (M·N·K summed over the batch) the work stays on the calling thread: a parked
     * worker needs 20–40 µs to start here, so at 2 threads 128³ ran at 121 GFLOP/s against 170 on one and 192³
     * (7.1 M) at 159 against 191, while 64×256×784 (12.8 M) gained 174 → 190 and 256³ 201 → 219. Not final
     * only so that tests can lower it and run the split on small shapes.
     */
    static long parallelMadds = 1L << 23;
    /** Below this many multiply-adds per matrix, a plain loop beats packing. */
    static final long SMALL = 1L << 12;

    private Gemm() {}

    /** out[t] = a[t] · b[t] for every batch index t; only {@code out} is written. */
    static void matmul(View a, View b, View out) {
        int[] os = out.shape();
        int batch = os[0], m = os[1], n = os[2], k = a.shape()[2];
        if (batch == 0 || m == 0 || n == 0) return;
        Operands ops = new Operands(a, b, out, m, n, k);
        long madds = (long) batch * m * n * k;
        int threads = madds < parallelMadds ? 1 : Parallel.threads();
        if (threads == 1) {
            for (int t = 0; t < batch; t++) ops.run(t, 0, m, 0, n);
            return;
        }
        boolean byBatch = batch >= threads;
        // Each part packs the whole of the operand it does not split: split the longer side so that the copy
        // every thread repeats is the smaller one, as long as that side gives each thread two tiles.
        boolean rowsOk = m >= 2 * threads * ops.mr(), colsOk = n >= 2 * threads * ops.nr();
        boolean byRows = !byBatch && (rowsOk ? !colsOk || m >= n : !colsOk && m / ops.mr() >= n / ops.nr());
        int parts = byBatch ? 1 : threads;
        int unit = byRows ? ops.mr() : ops.nr();
        Parallel.forRange(batch * parts, 1, (from, to) -> {
            for (int u = from; u < to; u++) {
                int t = u / parts, p = u % parts;
                if (byBatch) ops.run(t, 0, m, 0, n);
                else if (byRows) ops.run(t, split(m, parts, p, unit), split(m, parts, p + 1, unit), 0, n);
                else ops.run(t, 0, m, split(n, parts, p, unit), split(n, parts, p + 1, unit));
            }
        });
    }

    /** The start of part {@code p} of {@code parts} over [0, len), rounded down to a multiple of {@code unit}. */
    static int split(int len, int parts, int p, int unit) {
        if (p >= parts) return len;
        int units = (len + unit - 1) / unit;
        return (int) ((long) units * p / parts) * unit;
    }

    /** The three operands of one call, as arrays with offsets and strides, so a batch item is one multiply. */
    private record Operands(View a, View b, View out, int m, int n, int k) {

        int mr() {
            return switch (out.dtype()) {
                case F32 -> GemmF32.MR;
                case F64 -> GemmF64.MR;
                case I32, I8, BOOL -> 1;
            };
        }

        int nr() {
            return switch (out.dtype()) {
                case F32 -> GemmF32.NR;
                case F64 -> GemmF64.NR;
                case I32, I8, BOOL -> 1;
            };
        }

        /** out[t][i0:i1, j0:j1] = a[t][i0:i1, :] · b[t][:, j0:j1]. */
        void run(int t, int i0, int i1, int j0, int j1) {
            if (i0 >= i1 || j0 >= j1) return;
            Layout la = a.layout(), lb = b.layout(), lo = out.layout();
            int[] as = la.strides(), bs = lb.strides(), cs = lo.strides();
            int ao = la.offset() + t * as[0] + i0 * as[1], bo = lb.offset() + t * bs[0] + j0 * bs[2];
            int co = lo.offset() + t * cs[0] + i0 * cs[1] + j0 * cs[2];
            int mm = i1 - i0, nn = j1 - j0;
            Object ad = ((HeapStorage) a.storage()).array(), bd = ((HeapStorage) b.storage()).array();
            Object cd = ((HeapStorage) out.storage()).array();
            switch (out.dtype()) {
                case F32 -> GemmF32.gemm(mm, nn, k, (float[]) ad, ao, as[1], as[2], (float[]) bd, bo, bs[1], bs[2],
                        (float[]) cd, co, cs[1], cs[2], false);
                case F64 -> GemmF64.gemm(mm, nn, k, (double[]) ad, ao, as[1], as[2], (double[]) bd, bo, bs[1], bs[2],
                        (double[]) cd, co, cs[1], cs[2]);
                case I32, I8, BOOL -> scalar(t, i0, i1, j0, j1);
            }
        }

        /** Integer dtypes: the reference's loop (exact in double for the sizes integers are used at). */
        private void scalar(int t, int i0, int i1, int j0, int j1) {
            HeapStorage sa = (HeapStorage) a.storage(), sb = (HeapStorage) b.storage(), d = (HeapStorage) out.storage();
            int[] as = a.layout().strides(), bs = b.layout().strides(), os = out.layout().strides();
            for (int i = i0; i < i1; i++)
                for (int j = j0; j < j1; j++) {
                    double acc = 0;
                    int pa = a.layout().offset() + t * as[0] + i * as[1];
                    int pb = b.layout().offset() + t * bs[0] + j * bs[2];
                    for (int p = 0; p < k; p++) acc += sa.get(pa + p * as[2]) * sb.get(pb + p * bs[1]);
                    d.set(out.layout().offset() + t * os[0] + i * os[1] + j * os[2], acc);
                }
        }
    }
}
