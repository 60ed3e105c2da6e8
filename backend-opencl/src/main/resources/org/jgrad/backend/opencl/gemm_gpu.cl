/*
 * GEMM for GPUs: out[t] = a[t] · b[t] read straight through the operands' strides. A work-group computes a
 * TM×TN tile of out, staging TK-deep slices of A and B in local memory; each work-item keeps a WM×WN register
 * tile. See Gemm.java for the chosen sizes and why.
 * The host's header defines T (float or double, with cl_khr_fp64 enabled for double) and TM, TN, TK, WM, WN.
 */
#define LM (TM / WM)      /* work-items along M */
#define LN (TN / WN)      /* work-items along N (local dimension 0) */
#define NT (LM * LN)

/*
 * tile[kk][r] = x[off + (r0 + r)·sr + (k0 + kk)·sk], zero outside rows × k. Consecutive work-items walk the
 * operand's denser direction (rows or k), so the global reads coalesce for row-major and transposed operands.
 */
inline void load_tile(__local T *tile, int w, const __global T *x, int off, int sr, int sk, int rows, int k,
                      int r0, int k0, int tid) {
    int rfast = sr == 1 || sk != 1 && sr < sk;
    for (int e = tid; e < w * TK; e += NT) {
        int r = rfast ? e % w : e / TK, kk = rfast ? e / w : e % TK;
        int gr = r0 + r, gk = k0 + kk;
        tile[kk * (w + 1) + r] = gr < rows && gk < k ? x[off + gr * sr + gk * sk] : (T) 0;
    }
}

__kernel __attribute__((reqd_work_group_size(LN, LM, 1)))
void gemm(const __global T *a, int aoff, int ab, int am, int ak,
          const __global T *b, int boff, int bb, int bk, int bn,
          __global T *c, int coff, int cb, int cm, int cn, int m, int n, int k) {
    /* Rows padded by one: when load_tile walks k fastest, consecutive work-items store into different banks. */
    __local T as[TK * (TM + 1)];
    __local T bs[TK * (TN + 1)];
    int tx = get_local_id(0), ty = get_local_id(1), tid = ty * LN + tx;
    int j0 = get_group_id(0) * TN, i0 = get_group_id(1) * TM, t = get_global_id(2);
    aoff += t * ab;
    boff += t * bb;
    T acc[WM][WN];
    for (int x = 0; x < WM; x++)
        for (int y = 0; y < WN; y++) acc[x][y] = 0;
    for (int k0 = 0; k0 < k; k0 += TK) {
        load_tile(as, TM, a, aoff, am, ak, m, k, i0, k0, tid);
        load_tile(bs, TN, b, boff, bn, bk, n, k, j0, k0, tid);
        barrier(CLK_LOCAL_MEM_FENCE);
        /* Constant trip counts: unrolled, acc/ra/rb live in registers. */
#pragma unroll
        for (int kk = 0; kk < TK; kk++) {
            T ra[WM], rb[WN];
#pragma unroll
            for (int x = 0; x < WM; x++) ra[x] = as[kk * (TM + 1) + ty + x * LM];
#pragma unroll
            for (int y = 0; y < WN; y++) rb[y] = bs[kk * (TN + 1) + tx + y * LN];
#pragma unroll
            for (int x = 0; x < WM; x++)
#pragma unroll
                for (int y = 0; y < WN; y++) acc[x][y] = fma(ra[x], rb[y], acc[x][y]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    coff += t * cb;
    for (int x = 0; x < WM; x++) {
        int i = i0 + ty + x * LM;
        if (i >= m) break;
        for (int y = 0; y < WN; y++) {
            int j = j0 + tx + y * LN;
            if (j < n) c[coff + i * cm + j * cn] = acc[x][y];
        }
    }
}
