/*
 * GEMM for CPU devices (PoCL and the like): out[t] = a[t] · b[t], packed operands, explicit vector types,
 * register tiles, no local memory. See Gemm.java for the blocking scheme and the measurements behind it.
 * The host's header defines T (float or double, with cl_khr_fp64 enabled for double), VW (lanes of one vector)
 * and MR (rows of the micro-tile).
 */
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define TV CAT(T, VW)
#define VSTORE CAT(vstore, VW)
#define NR (2 * VW)

/*
 * dst[t][p][kk][r] = src[off + t·st + (p·w + r)·sr + kk·sk], zero where p·w + r >= rows: row panels w tall,
 * k-major, so the micro-kernel reads w contiguous values per k step. Packs A (rows = M, w = MR) and, through
 * the transpose, B (rows = N, w = NR). One work-item per (panel, t) in work-groups of one: PoCL compiles a
 * kernel once per work-group size, and with a size of its own choosing that would be once per problem shape.
 */
__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void pack(const __global T *src, int off, int st, int sr, int sk, int rows, int k, int w, __global T *dst) {
    int p = get_global_id(0), t = get_global_id(1), panels = get_global_size(0);
    __global T *d = dst + (size_t) (t * panels + p) * k * w;
    const __global T *s = src + off + t * st + p * w * sr;
    int n = min(w, rows - p * w);
    for (int kk = 0; kk < k; kk++, d += w) {
        for (int r = 0; r < n; r++) d[r] = s[kk * sk + r * sr];
        for (int r = n; r < w; r++) d[r] = 0;
    }
}

#if MR == 4
#define ROWS(X) X(0) X(1) X(2) X(3)
#elif MR == 6
#define ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5)
#elif MR == 8
#define ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#elif MR == 12
#define ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#else
#error "MR must be 4, 6, 8 or 12"
#endif

/* One row of the tile: columns j0 .. j0+NR-1 of row i, clipped to n; a full row with unit stride is two stores. */
inline void store_row(__global T *c, int at, int cn, int cols, TV v0, TV v1) {
    if (cols == NR && cn == 1) {
        VSTORE(v0, 0, c + at);
        VSTORE(v1, 0, c + at + VW);
        return;
    }
    T tmp[NR];
    VSTORE(v0, 0, tmp);
    VSTORE(v1, 0, tmp + VW);
    for (int j = 0; j < cols; j++) c[at + j * cn] = tmp[j];
}

#define ZERO(r) TV c##r##0 = 0, c##r##1 = 0;
#define FMA(r) { TV x = (TV) (pa[r]); c##r##0 = fma(x, b0, c##r##0); c##r##1 = fma(x, b1, c##r##1); }
#define STORE(r) if (i0 + r < m) store_row(c, coff + (i0 + r) * cm + j0 * cn, cn, cols, c##r##0, c##r##1);

/*
 * c[t, i0:+MR, j0:+NR] = ap panel p · bp panel q over the whole k: MR×NR accumulators (2·MR vectors) stay in
 * registers, each k step loads two B vectors and broadcasts MR values of A. ast/bst: packed batch strides
 * (0 for a broadcast operand).
 */
__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void gemm(const __global T *ap, long ast, const __global T *bp, long bst, int k,
          __global T *c, int coff, int cb, int cm, int cn, int m, int n) {
    int p = get_global_id(0), q = get_global_id(1), t = get_global_id(2);
    const __global T *pa = ap + t * ast + (size_t) p * MR * k;
    const __global TV *pb = (const __global TV *) (bp + t * bst + (size_t) q * NR * k);
    ROWS(ZERO)
    for (int kk = 0; kk < k; kk++) {
        TV b0 = pb[0], b1 = pb[1];
        ROWS(FMA)
        pa += MR;
        pb += 2;
    }
    int i0 = p * MR, j0 = q * NR, cols = min(NR, n - j0);
    c += (size_t) t * cb;
    ROWS(STORE)
}
