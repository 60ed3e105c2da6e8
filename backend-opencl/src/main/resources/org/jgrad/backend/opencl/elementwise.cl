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

// dst += src where dst's layout reaches some positions from several elements (the adjoint of overlapping windows, as
// col2im): one work item per position in the layout's span, q = 0 .. span - 1 past dst's offset, enumerates the
// elements that land on it and adds them one by one, in a fixed order and without atomics. The host sorts g's
// dimensions by dst stride, largest first, so each level has few candidates: index i_k must leave a remainder that
// the later dimensions can still reach, 0 <= rem - i_k * s_k <= rest_k, and only a remainder of 0 at the end is a hit.
// A position no element reaches is left untouched.
__kernel void accumulate_gather(const Geo g, __global const T* src, __global T* dst, const int span) {
    int q = get_global_id(0);
    if (q >= span) return;
    int rank = g.rank, rest[MAX_RANK], idx[MAX_RANK], last[MAX_RANK], rem[MAX_RANK + 1], reach = 0;
    for (int k = rank - 1; k >= 0; k--) {
        rest[k] = reach;
        reach += (g.shape[k] - 1) * g.str[1][k];
    }
    T v = dst[g.off[1] + q];
    int k = 0, down = 1, hits = 0;
    rem[0] = q;
    for (;;) {
        if (down) {
            if (k == rank) {
                if (rem[k] == 0) {
                    int at = g.off[0];
                    for (int j = 0; j < rank; j++) at += idx[j] * g.str[0][j];
                    v = TO_T((W) v + (W) src[at]);
                    hits = 1;
                }
            } else {
                int s = g.str[1][k], r = rem[k];
                int lo = s == 0 || r <= rest[k] ? 0 : (r - rest[k] + s - 1) / s;
                int hi = s == 0 ? g.shape[k] - 1 : min(g.shape[k] - 1, r / s);
                if (lo <= hi) {
                    idx[k] = lo;
                    last[k] = hi;
                    rem[k + 1] = r - lo * s;
                    k++;
                    continue;
                }
            }
            down = 0;
        }
        // back to the deepest level that has another candidate
        if (--k < 0) break;
        if (idx[k] < last[k]) {
            idx[k]++;
            rem[k + 1] -= g.str[1][k];
            k++;
            down = 1;
        }
    }
    if (hits) dst[g.off[1] + q] = v;
}

// The backend's record of the first out-of-range index (OpenClBackend.checksIndicesOnDevice): err[0] stays 0 until a
// work item wins the compare-and-swap and writes its primitive's code (1 gather, 2 scatterAdd), then the index, the
// axis size and the host's id for the op the user called. Only the winner writes, so the four stay consistent; the
// host reads them after the queue drains.
inline void bad_index(volatile __global int* err, int op, int index, int size, int caller) {
    if (atomic_cmpxchg(err, 0, op) == 0) {
        err[1] = index;
        err[2] = size;
        err[3] = caller;
    }
}

// out = x[position along the axis replaced by index * step]: operand 0 is x with its axis stride zeroed. An index
// outside [0, size) reads nothing, writes 0 and is recorded.
__kernel void gather(const Geo g, __global const T* x, __global const int* index, __global T* out, const int step,
        const int size, volatile __global int* err, const int caller) {
    ELEMENT(g);
    int k = index[p[1]];
    if (k < 0 || k >= size) {
        bad_index(err, 1, k, size, caller);
        out[p[2]] = (T) 0;
        return;
    }
    out[p[2]] = x[p[0] + k * step];
}

// scatterAdd, race-free without atomics: one work item per line along the axis (g describes src's shape with the
// axis removed), walking its line in order. Distinct lines write distinct dst elements whenever dst does not overlap
// itself, which the host checks (it sets serial otherwise, and work item 0 walks every line). An index outside
// [0, size) adds nothing and is recorded.
__kernel void scatter_add(const Geo g, __global T* dst, __global const int* index, __global const T* src,
        const int len, const int step, const int index_step, const int src_step, const int serial, const int size,
        volatile __global int* err, const int caller) {
    int p[4], first = get_global_id(0);
    if (serial && first > 0) return;
    for (int line = serial ? 0 : first; line < (serial ? g.n : first + 1) && line < g.n; line++) {
        positions(&g, line, p);
        for (int s = 0; s < len; s++) {
            int k = index[p[1] + s * index_step];
            if (k < 0 || k >= size) {
                bad_index(err, 2, k, size, caller);
                continue;
            }
            int at = p[0] + k * step;
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

#if HAS_FP64
// PortableMath.java line for line: log and cos 2πt from +, −, ×, ÷, fma and bit operations only, which OpenCL rounds
// as Java does, so the normal draw is the host's bit for bit. Contraction is off in each body (a contracted a·b + c
// would round once where Java rounds twice); every fma is the Java code's Math.fma.
inline double portable_log(double x) {
#pragma OPENCL FP_CONTRACT OFF
    long bits = as_long(x) + (0x3ff0000000000000L - 0x3fe6a09e667f3bcdL);
    double e = (double) ((bits >> 52) - 1023);
    double f = as_double((bits & 0x000fffffffffffffL) + 0x3fe6a09e667f3bcdL) - 1;
    double s = f / (f + 2), z = s * s, hfsq = f * f * 0.5;
    double r = fma(z, 0x1.8618618618618p-4, 0x1.af286bca1af28p-4);
    r = fma(r, z, 0x1.e1e1e1e1e1e1ep-4);
    r = fma(r, z, 0x1.1111111111111p-3);
    r = fma(r, z, 0x1.3b13b13b13b14p-3);
    r = fma(r, z, 0x1.745d1745d1746p-3);
    r = fma(r, z, 0x1.c71c71c71c71cp-3);
    r = fma(r, z, 0x1.2492492492492p-2);
    r = fma(r, z, 0x1.999999999999ap-2);
    r = fma(r, z, 0x1.5555555555555p-1) * z;
    double log1p = f - (hfsq - s * (hfsq + r));
    return fma(e, 0x1.62e42fefa39efp-1, fma(e, 0x1.abc9e3b39803fp-56, log1p));
}

inline double portable_sin_reduced(double h, double l, double z) {
#pragma OPENCL FP_CONTRACT OFF
    double p = fma(z, 0x1.952c77030ad4ap-49, -0x1.ae7f3e733b81fp-41);
    p = fma(p, z, 0x1.6124613a86d09p-33);
    p = fma(p, z, -0x1.ae64567f544e4p-26);
    p = fma(p, z, 0x1.71de3a556c734p-19);
    p = fma(p, z, -0x1.a01a01a01a01ap-13);
    p = fma(p, z, 0x1.1111111111111p-7);
    p = fma(p, z, -0x1.5555555555555p-3);
    return h + fma(h * z, p, l);
}

inline double portable_cos_reduced(double h, double l, double z) {
#pragma OPENCL FP_CONTRACT OFF
    double p = fma(z, 0x1.ae7f3e733b81fp-45, -0x1.93974a8c07c9dp-37);
    p = fma(p, z, 0x1.1eed8eff8d898p-29);
    p = fma(p, z, -0x1.27e4fb7789f5cp-22);
    p = fma(p, z, 0x1.a01a01a01a01ap-16);
    p = fma(p, z, -0x1.6c16c16c16c17p-10);
    p = fma(p, z, 0x1.5555555555555p-5);
    double hz = 0.5 * z, w = 1 - hz;
    double tail = fma(h, l, 0.5 * fma(h, h, -z));
    return w + ((((1 - w) - hz) - tail) + z * z * p);
}

inline double portable_cos_two_pi(double t) {
#pragma OPENCL FP_CONTRACT OFF
    double k = (4 * t + 0x1.8p52) - 0x1.8p52;
    double r = t - 0.25 * k;
    double h = 0x1.921fb54442d18p2 * r;
    double l = fma(0x1.1a62633145c07p-52, r, fma(0x1.921fb54442d18p2, r, -h));
    double z = h * h;
    int q = (int) (long) k & 3;
    double y = (q & 1) == 0 ? portable_cos_reduced(h, l, z) : portable_sin_reduced(h, l, z);
    return q == 1 || q == 2 ? -y : y;
}
#endif

// Element k (row-major) draws counter offset + k. The uniforms are exact arithmetic and the normal is Philox.java's
// Box–Muller through the portable log and cosine above, so every draw matches the host's bit for bit.
__kernel void random(const Geo g, __global T* out, const ulong seed, const ulong offset, const int normal) {
    ELEMENT(g);
    ulong c = offset + (ulong) i;
    uint4 w = philox((uint) c, (uint) (c >> 32), (uint) seed, (uint) (seed >> 32));
#if HAS_FP64
    if (normal) {
        double u1 = (double) (bits53(w.x, w.y) + 1) * 0x1.0p-53;
        double u2 = (double) bits53(w.z, w.w) * 0x1.0p-53;
        out[p[0]] = CV(double, T, sqrt(-2 * portable_log(u1)) * portable_cos_two_pi(u2));
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
