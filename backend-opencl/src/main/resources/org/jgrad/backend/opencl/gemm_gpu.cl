/*
 * GEMM for GPUs: out[t] = a[t] · b[t] read straight through the operands' strides. A work-group computes a
 * TM×TN tile of out, staging TK-deep slices of A and B in local memory; each work-item keeps a WM×WN register
 * tile. See Gemm.java for the chosen sizes, the variants and why.
 * The host's header defines T (float or double, with cl_khr_fp64 enabled for double), TM, TN, TK, WM, WN and:
 *   PAD     extra elements per local row (1 against bank conflicts; a multiple of 4 keeps rows 4-aligned)
 *   BLOCKED 1: a work-item's rows (columns) are groups of 4 adjacent ones, read from local memory as one vector;
 *           0: they are LM (LN) apart, read one by one
 *   DB      1: two local buffers, the next slice fetched into registers while this one is multiplied, one
 *           barrier per slice; 0: fetch, barrier, multiply, barrier
 *   MODE_A, MODE_B  how a slice is fetched: 0 scalar through any strides; 1 4-vectors along k (the operand's k
 *           stride is 1, every vector start 4-aligned); 2 4-vectors along the rows (row stride 1, likewise)
 */
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define T4 CAT(T, 4)
#define LM (TM / WM)      /* work-items along M */
#define LN (TN / WN)      /* work-items along N (local dimension 0) */
#define NT (LM * LN)
#define AW (TM + PAD)     /* local row widths */
#define BW (TN + PAD)
#define SA (TM * TK / NT) /* values each work-item stages per slice */
#define SB (TN * TK / NT)

#if TM * TK % (4 * NT) != 0 && (MODE_A != 0 || TM * TK % NT != 0) \
    || TN * TK % (4 * NT) != 0 && (MODE_B != 0 || TN * TK % NT != 0)
#error "a slice must split evenly over the work-items (in 4-vectors for MODE 1 and 2)"
#endif
#if BLOCKED && (WM % 4 != 0 || WN % 4 != 0 || PAD % 4 != 0)
#error "BLOCKED needs WM, WN and PAD multiples of 4"
#endif
#if MODE_A == 2 && PAD % 4 != 0 || MODE_B == 2 && PAD % 4 != 0
#error "MODE 2 stores 4-vectors into local rows: PAD must be a multiple of 4"
#endif

/* Row x (0 .. WM-1) of work-item i among L along that side of the tile. */
#if BLOCKED
#define OWN(i, x, L) (((x) / 4) * (L) * 4 + (i) * 4 + (x) % 4)
#else
#define OWN(i, x, L) ((i) + (x) * (L))
#endif

/* Whether the rows, not k, are an operand's denser direction, which consecutive work-items walk in MODE 0. */
inline int rows_fast(int sr, int sk) {
    return sr == 1 || (sk != 1 && sr < sk);
}

/*
 * Fetches this work-item's share of the slice x[off + (r0 + r)·sr + (k0 + kk)·sk], r < w, kk < TK, into reg
 * (zero outside rows × k). Consecutive work-items walk the operand's denser direction, so the global reads
 * coalesce for row-major and transposed operands. `mode` and `w` are constants after inlining.
 */
inline void fetch(T *reg, int mode, int w, const __global T *x, int off, int sr, int sk, int rows, int k, int r0,
                  int k0, int tid) {
    if (mode == 0) {
        int rfast = rows_fast(sr, sk);
#pragma unroll
        for (int i = 0; i < w * TK / NT; i++) {
            int e = tid + i * NT;
            int gr = r0 + (rfast ? e % w : e / TK), gk = k0 + (rfast ? e / w : e % TK);
            reg[i] = gr < rows && gk < k ? x[off + gr * sr + gk * sk] : (T) 0;
        }
        return;
    }
#pragma unroll
    for (int i = 0; i < w * TK / (4 * NT); i++) {
        int e = tid + i * NT;
        /* mode 1: 4 consecutive k of one row; mode 2: 4 consecutive rows of one k */
        int gr = r0 + (mode == 1 ? e / (TK / 4) : e % (w / 4) * 4);
        int gk = k0 + (mode == 1 ? e % (TK / 4) * 4 : e / (w / 4));
        int dr = mode == 2, dk = mode == 1;
        const __global T *p = x + off + gr * sr + gk * sk;
        T4 v;
        if (gr + 3 * dr < rows && gk + 3 * dk < k) {
            v = *(const __global T4 *) p;
        } else {
            v.s0 = gr < rows && gk < k ? p[0] : (T) 0;
            v.s1 = gr + dr < rows && gk + dk < k ? p[dr * sr + dk * sk] : (T) 0;
            v.s2 = gr + 2 * dr < rows && gk + 2 * dk < k ? p[2 * (dr * sr + dk * sk)] : (T) 0;
            v.s3 = gr + 3 * dr < rows && gk + 3 * dk < k ? p[3 * (dr * sr + dk * sk)] : (T) 0;
        }
        reg[4 * i] = v.s0;
        reg[4 * i + 1] = v.s1;
        reg[4 * i + 2] = v.s2;
        reg[4 * i + 3] = v.s3;
    }
}

/* Stores what fetch took into tile[kk·(w + PAD) + r]: k-major, so the multiply reads rows (columns) of one k. */
inline void stage(__local T *tile, const T *reg, int mode, int w, int sr, int sk, int tid) {
    int lw = w + PAD;
    if (mode == 0) {
        int rfast = rows_fast(sr, sk);
#pragma unroll
        for (int i = 0; i < w * TK / NT; i++) {
            int e = tid + i * NT;
            int r = rfast ? e % w : e / TK, kk = rfast ? e / w : e % TK;
            tile[kk * lw + r] = reg[i];
        }
        return;
    }
#pragma unroll
    for (int i = 0; i < w * TK / (4 * NT); i++) {
        int e = tid + i * NT;
        if (mode == 1) {
            int r = e / (TK / 4), kk = e % (TK / 4) * 4;
#pragma unroll
            for (int c = 0; c < 4; c++) tile[(kk + c) * lw + r] = reg[4 * i + c];
        } else {
            int r = e % (w / 4) * 4, kk = e / (w / 4);
            *(__local T4 *) (tile + kk * lw + r) = (T4) (reg[4 * i], reg[4 * i + 1], reg[4 * i + 2], reg[4 * i + 3]);
        }
    }
}

/* acc += the TK-deep slice in as/bs for this work-item's rows ty… and columns tx…. */
inline void multiply(T acc[WM][WN], const __local T *as, const __local T *bs, int tx, int ty) {
    /* Constant trip counts: unrolled, acc/ra/rb live in registers. */
#pragma unroll
    for (int kk = 0; kk < TK; kk++) {
        T ra[WM], rb[WN];
#if BLOCKED
#pragma unroll
        for (int x = 0; x < WM; x += 4) {
            T4 v = *(const __local T4 *) (as + kk * AW + OWN(ty, x, LM));
            ra[x] = v.s0, ra[x + 1] = v.s1, ra[x + 2] = v.s2, ra[x + 3] = v.s3;
        }
#pragma unroll
        for (int y = 0; y < WN; y += 4) {
            T4 v = *(const __local T4 *) (bs + kk * BW + OWN(tx, y, LN));
            rb[y] = v.s0, rb[y + 1] = v.s1, rb[y + 2] = v.s2, rb[y + 3] = v.s3;
        }
#else
#pragma unroll
        for (int x = 0; x < WM; x++) ra[x] = as[kk * AW + OWN(ty, x, LM)];
#pragma unroll
        for (int y = 0; y < WN; y++) rb[y] = bs[kk * BW + OWN(tx, y, LN)];
#endif
#pragma unroll
        for (int x = 0; x < WM; x++)
#pragma unroll
            for (int y = 0; y < WN; y++) acc[x][y] = fma(ra[x], rb[y], acc[x][y]);
    }
}

__kernel __attribute__((reqd_work_group_size(LN, LM, 1)))
void gemm(const __global T *a, int aoff, int ab, int am, int ak,
          const __global T *b, int boff, int bb, int bk, int bn,
          __global T *c, int coff, int cb, int cm, int cn, int m, int n, int k) {
    /* 4-vector aligned: BLOCKED and MODE 2 access rows that start at multiples of 4. */
    __local T as[(1 + DB) * TK * AW] __attribute__((aligned(4 * sizeof(T))));
    __local T bs[(1 + DB) * TK * BW] __attribute__((aligned(4 * sizeof(T))));
    int tx = get_local_id(0), ty = get_local_id(1), tid = ty * LN + tx;
    int j0 = get_group_id(0) * TN, i0 = get_group_id(1) * TM, t = get_global_id(2);
    aoff += t * ab;
    boff += t * bb;
    T acc[WM][WN];
    for (int x = 0; x < WM; x++)
        for (int y = 0; y < WN; y++) acc[x][y] = 0;
    T ra[SA], rb[SB];
#if DB
    if (k > 0) {
        fetch(ra, MODE_A, TM, a, aoff, am, ak, m, k, i0, 0, tid);
        fetch(rb, MODE_B, TN, b, boff, bn, bk, n, k, j0, 0, tid);
        stage(as, ra, MODE_A, TM, am, ak, tid);
        stage(bs, rb, MODE_B, TN, bn, bk, tid);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    /* Slice s is in buffer s % 2; slice s + 1 goes into the other one, which every work-item finished reading
       before the barrier that ended step s - 1. */
    for (int k0 = 0, cur = 0; k0 < k; k0 += TK, cur ^= 1) {
        int next = k0 + TK < k;
        if (next) {
            fetch(ra, MODE_A, TM, a, aoff, am, ak, m, k, i0, k0 + TK, tid);
            fetch(rb, MODE_B, TN, b, boff, bn, bk, n, k, j0, k0 + TK, tid);
        }
        multiply(acc, as + cur * TK * AW, bs + cur * TK * BW, tx, ty);
        if (next) {
            stage(as + (cur ^ 1) * TK * AW, ra, MODE_A, TM, am, ak, tid);
            stage(bs + (cur ^ 1) * TK * BW, rb, MODE_B, TN, bn, bk, tid);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
#else
    for (int k0 = 0; k0 < k; k0 += TK) {
        fetch(ra, MODE_A, TM, a, aoff, am, ak, m, k, i0, k0, tid);
        fetch(rb, MODE_B, TN, b, boff, bn, bk, n, k, j0, k0, tid);
        stage(as, ra, MODE_A, TM, am, ak, tid);
        stage(bs, rb, MODE_B, TN, bn, bk, tid);
        barrier(CLK_LOCAL_MEM_FENCE);
        multiply(acc, as, bs, tx, ty);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
#endif
    coff += t * cb;
    for (int x = 0; x < WM; x++) {
        int i = i0 + OWN(ty, x, LM);
        if (i >= m) continue;
        for (int y = 0; y < WN; y++) {
            int j = j0 + OWN(tx, y, LN);
            if (j < n) c[coff + i * cm + j * cn] = acc[x][y];
        }
    }
}
