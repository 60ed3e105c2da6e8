// The plain batched product: one work item per output element, a dot product of K terms in the working type W.
// Correct for any strides; Gemm's tiled kernels take over where they apply.
__kernel void matmul(__global const T* a, __global const T* b, __global T* out, const int4 ga, const int4 gb,
        const int4 go, const int m, const int n, const int k) {
    // int4 = (offset, batch stride, row stride, column stride) per operand.
    int j = get_global_id(0), i = get_global_id(1), t = get_global_id(2);
    if (i >= m || j >= n) return;   // the global size is rounded up to whole 8x8 work groups
    int pa = ga.x + t * ga.y + i * ga.z, pb = gb.x + t * gb.y + j * gb.w;
    W acc = 0;
    for (int q = 0; q < k; q++) acc += (W) a[pa + q * ga.w] * (W) b[pb + q * gb.z];
    out[go.x + t * go.y + i * go.z + j * go.w] = TO_T(acc);
}
