// Reductions of dtype T over trailing dimensions by work-group trees: one work group per output element. Each work
// item folds a strided share of the block, then the group halves its partial results in local memory. ARGMAX/ARGMIN
// carry the row-major position with the value; the earlier position wins ties, and NaN wins once and is kept
// (ReduceOp's rule), so the result does not depend on how the block was split.
// Op codes are ReduceOp ordinals: SUM 0, MAX 1, MIN 2, ARGMAX 3, ARGMIN 4.

/** Whether (vb, ib) replaces (va, ia) as the extreme. */
#define TAKES(A) \
inline int takes_##A(A va, int ia, A vb, int ib, int max) { \
    if (ib < 0) return 0; \
    if (ia < 0) return 1; \
    if (isnan(va)) return isnan(vb) && ib < ia; \
    if (isnan(vb)) return 1; \
    if (vb == va) return ib < ia; \
    return max ? vb > va : vb < va; \
}

// outer: operand 0 = x's leading dims (its strides and offset), operand 1 = out. inner: operand 0 = x's reduced
// dims with offset 0. A is the accumulator type, O the output dtype.
// With parts > 1, each row is shared by `parts` work groups (a long block in few rows would otherwise leave most of
// the device idle): group g folds every parts-th stride of row g / parts and leaves its (value, position) in pv, pi
// for finish_to_O. Positions travel with the values, so the result does not depend on the split.
#define REDUCE(O, A) \
__kernel void reduce_to_##O(const Geo outer, const Geo inner, __global const T* x, __global O* out, const int op, \
        __local A* lv, __local int* li, const int parts, __global A* pv, __global int* pi) { \
    int g = get_group_id(0), row = g / parts, lid = get_local_id(0), size = get_local_size(0), p[4], q[4]; \
    positions(&outer, row, p); \
    int max = op == 1 || op == 3; \
    A acc = 0; \
    int at = -1; \
    for (int k = (g % parts) * size + lid; k < inner.n; k += parts * size) { \
        positions(&inner, k, q); \
        A v = (A) x[p[0] + q[0]]; \
        if (op == 0) acc += v; \
        else if (takes_##A(acc, at, v, k, max)) { acc = v; at = k; } \
    } \
    lv[lid] = acc; \
    li[lid] = at; \
    barrier(CLK_LOCAL_MEM_FENCE); \
    for (int s = size / 2; s > 0; s >>= 1) { \
        if (lid < s) { \
            if (op == 0) lv[lid] += lv[lid + s]; \
            else if (takes_##A(lv[lid], li[lid], lv[lid + s], li[lid + s], max)) { \
                lv[lid] = lv[lid + s]; \
                li[lid] = li[lid + s]; \
            } \
        } \
        barrier(CLK_LOCAL_MEM_FENCE); \
    } \
    if (lid > 0) return; \
    if (parts == 1) { \
        out[p[1]] = op >= 3 ? (O) li[0] : CV(A, O, lv[0]); \
    } else { \
        pv[g] = lv[0]; \
        pi[g] = li[0]; \
    } \
} \
\
__kernel void finish_to_##O(const Geo outer, __global const A* pv, __global const int* pi, __global O* out, \
        const int op, const int parts) { \
    ELEMENT(outer); \
    int max = op == 1 || op == 3; \
    A acc = 0; \
    int at = -1; \
    for (int k = i * parts; k < (i + 1) * parts; k++) { \
        if (op == 0) acc += pv[k]; \
        else if (takes_##A(acc, at, pv[k], pi[k], max)) { acc = pv[k]; at = pi[k]; } \
    } \
    out[p[1]] = op >= 3 ? (O) at : CV(A, O, acc); \
}

// Instantiations: REDUCE_ expands W before REDUCE pastes it into names. The accumulator is W, or double for an F64
// output (a SUM may write a wider dtype than it reads).
#define REDUCE_(O, A) REDUCE(O, A)
TAKES(float)
#if HAS_FP64
TAKES(double)
REDUCE_(double, double)
#endif
REDUCE_(float, W)
REDUCE_(int, W)
REDUCE_(char, W)
REDUCE_(uchar, W)
