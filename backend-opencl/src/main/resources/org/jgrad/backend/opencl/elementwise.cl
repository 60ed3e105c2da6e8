// Elementwise kernels of one dtype T (computed in W, the dtype's working type: T itself for F32/F64, the widest
// floating type the device has for the integer dtypes, as the reference backend computes in double).
// Op codes are the Java enum ordinals (UnaryOp, BinaryOp); a switch on a uniform argument costs one branch.

inline W unary_op(int op, W x) {
    switch (op) {
        case 0: return -x;
        case 1: return exp(x);
        case 2: return log(x);
        case 3: return sqrt(x);
        case 4: return fabs(x);
        case 5: return x > 0 ? (W) 1 : x < 0 ? (W) -1 : x;   // keeps NaN and the sign of zero, like Math.signum
        case 6: return tanh(x);
        case 7: return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x));
        case 8: return x > 0 || isnan(x) ? x : (W) 0;
        case 9: return sin(x);
        case 10: return cos(x);
        default: return erf(x);
    }
}

inline W binary_op(int op, W a, W b) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
#if INTEGER
        case 3: return b == 0 ? (W) 0 : trunc(a / b);   // integer division truncates, and x / 0 is 0 as in the reference
#else
        case 3: return a / b;
#endif
        case 4: return pow(a, b);
        case 5: return isnan(a) || isnan(b) ? (W) NAN : fmax(a, b);
        default: return isnan(a) || isnan(b) ? (W) NAN : fmin(a, b);
    }
}

inline int compare_op(int op, W a, W b) {
    switch (op) {
        case 7: return a < b;
        case 8: return a <= b;
        case 9: return a > b;
        case 10: return a >= b;
        case 11: return a == b;
        default: return a != b;
    }
}

__kernel void fill(const Geo g, __global T* d, const T v) {
    ELEMENT(g);
    d[p[0]] = v;
}

__kernel void unary(const Geo g, __global const T* x, __global T* out, const int op) {
    ELEMENT(g);
    out[p[1]] = TO_T(unary_op(op, (W) x[p[0]]));
}

__kernel void binary(const Geo g, __global const T* a, __global const T* b, __global T* out, const int op) {
    ELEMENT(g);
    out[p[2]] = TO_T(binary_op(op, (W) a[p[0]], (W) b[p[1]]));
}

__kernel void compare(const Geo g, __global const T* a, __global const T* b, __global uchar* out, const int op) {
    ELEMENT(g);
    out[p[2]] = (uchar) compare_op(op, (W) a[p[0]], (W) b[p[1]]);
}

__kernel void where(const Geo g, __global const uchar* m, __global const T* a, __global const T* b, __global T* out) {
    ELEMENT(g);
    out[p[3]] = m[p[0]] != 0 ? a[p[1]] : b[p[2]];
}

// dst += src where dst reaches every storage position at most once.
__kernel void accumulate(const Geo g, __global const T* src, __global T* dst) {
    ELEMENT(g);
    dst[p[1]] = TO_T((W) dst[p[1]] + (W) src[p[0]]);
}

// dst += src where dst's layout may reach one position from several elements: one work item walks all elements in
// order, so no two updates race. Used for the dtypes without an atomic add below (and any dtype on request).
__kernel void accumulate_serial(const Geo g, __global const T* src, __global T* dst) {
    if (get_global_id(0) > 0) return;
    int p[4];
    for (int i = 0; i < g.n; i++) {
        positions(&g, i, p);
        dst[p[1]] = TO_T((W) dst[p[1]] + (W) src[p[0]]);
    }
}

#if ATOMIC_F32
// Overlapping dst for F32: a compare-and-swap loop on the float's bits (OpenCL 1.2 has no float atomic add).
__kernel void accumulate_atomic(const Geo g, __global const float* src, __global float* dst) {
    ELEMENT(g);
    volatile __global uint* at = (volatile __global uint*) (dst + p[1]);
    float v = src[p[0]];
    uint seen = *at, prev;
    do {
        prev = seen;
        seen = atomic_cmpxchg(at, prev, as_uint(as_float(prev) + v));
    } while (seen != prev);
}
#elif ATOMIC_I32
__kernel void accumulate_atomic(const Geo g, __global const int* src, __global int* dst) {
    ELEMENT(g);
    atomic_add(dst + p[1], src[p[0]]);
}
#endif

// out = x[position along the axis replaced by index * step]: operand 0 is x with its axis stride zeroed.
__kernel void gather(const Geo g, __global const T* x, __global const int* index, __global T* out, const int step) {
    ELEMENT(g);
    out[p[2]] = x[p[0] + index[p[1]] * step];
}

// scatterAdd, race-free without atomics: one work item per line along the axis (g describes src's shape with the
// axis removed), walking its line in order. Distinct lines write distinct dst elements whenever dst does not overlap
// itself, which the host checks (it sets serial otherwise, and work item 0 walks every line).
__kernel void scatter_add(const Geo g, __global T* dst, __global const int* index, __global const T* src,
        const int len, const int step, const int index_step, const int src_step, const int serial) {
    int p[4], first = get_global_id(0);
    if (serial && first > 0) return;
    for (int line = serial ? 0 : first; line < (serial ? g.n : first + 1) && line < g.n; line++) {
        positions(&g, line, p);
        for (int s = 0; s < len; s++) {
            int at = p[0] + index[p[1] + s * index_step] * step;
            dst[at] = TO_T((W) dst[at] + (W) src[p[2] + s * src_step]);
        }
    }
}

// dst = convert(src) from each source dtype; CV(S, T, x) are the host's conversion macros (truncate and saturate to the
// integer dtypes, x != 0 to BOOL).
#define COPY_FROM(S) \
__kernel void copy_from_##S(const Geo g, __global const S* src, __global T* dst) { \
    ELEMENT(g); \
    dst[p[1]] = CV(S, T, src[p[0]]); \
}
COPY_FROM(float)
COPY_FROM(int)
COPY_FROM(char)
COPY_FROM(uchar)
#if HAS_FP64
COPY_FROM(double)
#endif

// Philox-4x32-10 of counter block (lo32(c), hi32(c), 0, 0) under key (lo32(seed), hi32(seed)): Philox.java's rounds.
inline uint4 philox(uint c0, uint c1, uint k0, uint k1) {
    uint c2 = 0, c3 = 0;
    for (int r = 0; r < 10; r++) {
        uint hi0 = mul_hi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
        uint hi1 = mul_hi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
        uint n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
        c1 = lo1;
        c3 = lo0;
        c0 = n0;
        c2 = n2;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    return (uint4) (c0, c1, c2, c3);
}

inline ulong bits53(uint hi, uint lo) {
    return ((ulong) hi << 21) | (lo >> 11);
}

// Element k (row-major) draws counter offset + k. The F32 uniform is exact in float; the F64 uniform and the normal
// are computed in double exactly as Philox.java writes them, so the numbers match the host's bit for bit wherever
// the device's log and cos round as the JVM's do (the F32 normal, rounded from double, virtually always).
__kernel void random(const Geo g, __global T* out, const ulong seed, const ulong offset, const int normal) {
    ELEMENT(g);
    ulong c = offset + (ulong) i;
    uint4 w = philox((uint) c, (uint) (c >> 32), (uint) seed, (uint) (seed >> 32));
#if HAS_FP64
    if (normal) {
        double u1 = (double) (bits53(w.x, w.y) + 1) * 0x1.0p-53;
        double u2 = (double) bits53(w.z, w.w) * 0x1.0p-53;
        out[p[0]] = CV(double, T, sqrt(-2 * log(u1)) * cos(2 * M_PI * u2));
        return;
    }
#else
    if (normal) {   // no double on this device: the same formula in float, close to the host's numbers but not equal
        float u1 = (float) (bits53(w.x, w.y) + 1) * 0x1.0p-53f;
        float u2 = (float) bits53(w.z, w.w) * 0x1.0p-53f;
        out[p[0]] = CV(float, T, sqrt(-2 * log(u1)) * cos(2 * M_PI_F * u2));
        return;
    }
#endif
#if IS_F64
    out[p[0]] = (double) bits53(w.x, w.y) * 0x1.0p-53;
#else
    out[p[0]] = CV(float, T, (float) (w.x >> 8) * 0x1.0p-24f);
#endif
}
