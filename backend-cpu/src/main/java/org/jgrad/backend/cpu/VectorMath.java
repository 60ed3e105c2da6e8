package org.jgrad.backend.cpu;

import static jdk.incubator.vector.VectorOperators.ABS;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.L2D;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane sums and transcendental functions whose results do not depend on the JIT. The Vector API's own
 * {@code reduceLanes(ADD)} and {@code lanewise(EXP/LOG/TANH/SIN/COS)} round differently when C2 has compiled them
 * (a tree of lane adds, SVML calls) than before (lanes added in order, Math per lane), so a run's numbers would depend
 * on when compilation happened. Everything here is built from operations that are exact or correctly rounded in every
 * tier (add, mul, div, fma, compare, blend, rearrange, bit operations), so the same input gives the same bits,
 * interpreted or compiled, in every lane position.
 * <p>
 * exp is Cody–Waite: x = k·ln2 + r with |r| ≤ ln2/2 (the product k·ln2_hi exact through fma), e^r − 1 from its
 * Taylor polynomial in Horner form (degree 7 in F32, 13 in F64: the first dropped term is under 0.1 ulp), 2^k from
 * exponent bits in two halves so that results in the subnormal range round once and overflow gives +Inf. log splits
 * x = 2^e·m with m in [√½, √2) (subnormals scaled up first) and sums the atanh series of s = f/(2+f), f = m − 1,
 * keeping f exact and the series a small correction. sin and cos reduce by π/2 in three fma steps (exact first step,
 * truncation about k·2^-160), valid to |x| ≤ {@value #TRIG_BOUND}; lanes beyond go to Math.sin/cos, which HotSpot
 * runs through the same stub in every tier. Accuracy is measured by TranscendentalTest (exp, log, sin, cos within 1 ulp
 * of StrictMath over their domains; tanh and sigmoid 2 ulps), sameness across tiers and lane positions by
 * DeterminismTest.
 */
final class VectorMath {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorShuffle<Float>[] F_BUTTERFLY = butterfly(F);
    private static final VectorShuffle<Double>[] D_BUTTERFLY = butterfly(D);

    /** ln 2 in two parts (hi: the double nearest, lo: the rest), and the F32 parts taken from them. */
    private static final double LN2_HI = 0x1.62e42fefa39efp-1, LN2_LO = 0x1.abc9e3b39803fp-56;
    private static final float LN2_HI_F = (float) LN2_HI, LN2_LO_F = (float) (LN2_HI - LN2_HI_F + LN2_LO);
    private static final double LOG2E = 0x1.71547652b82fep0;
    /** 1.5·2^23 and 1.5·2^52: adding one rounds to an integer, whose value sits in the low bits of the sum. */
    private static final float ROUND_F = 0x1.8p23f;
    private static final double ROUND_D = 0x1.8p52;
    private static final int ROUND_F_BITS = Float.floatToRawIntBits(ROUND_F);
    private static final long ROUND_D_BITS = Double.doubleToRawLongBits(ROUND_D);
    /** Where exp's result is already +Inf or rounds to 0 (below ln 2^-150 and ln 2^-1075); clamping keeps k small. */
    private static final float EXP_LO_F = -104, EXP_HI_F = 89;
    private static final double EXP_LO = -746, EXP_HI = 710;
    /** Up to here k = round(x/ln2) stays within the normal exponents (±126, ±1021). */
    private static final float EXP_SAFE_F = 87;
    private static final double EXP_SAFE = 708;
    /** e^r − 1 = r + r²·(E2 + r·(E3 + …)), Ek = 1/k!. */
    private static final float F2 = f(2), F3 = f(3), F4 = f(4), F5 = f(5), F6 = f(6), F7 = f(7);
    private static final double E2 = inverseFactorial(2), E3 = inverseFactorial(3), E4 = inverseFactorial(4),
            E5 = inverseFactorial(5), E6 = inverseFactorial(6), E7 = inverseFactorial(7), E8 = inverseFactorial(8),
            E9 = inverseFactorial(9), E10 = inverseFactorial(10), E11 = inverseFactorial(11),
            E12 = inverseFactorial(12), E13 = inverseFactorial(13);

    /** Bits of √½ and of 1; subnormal inputs are scaled by 2^25 (F32) or 2^54 (F64) into the normal range first. */
    private static final int SQRT_HALF_F_BITS = Float.floatToRawIntBits((float) Math.sqrt(0.5));
    private static final long SQRT_HALF_BITS = Double.doubleToRawLongBits(Math.sqrt(0.5));
    /** log(1+f) = f − (f²/2 − s·(f²/2 + R(s²))), R(z) = Σ 2z^k/(2k+1): 4 terms in F32, 10 in F64 (|s| ≤ 0.1716). */
    private static final float G1 = 2f / 3, G2 = 2f / 5, G3 = 2f / 7, G4 = 2f / 9;
    private static final double L1 = 2.0 / 3, L2 = 2.0 / 5, L3 = 2.0 / 7, L4 = 2.0 / 9, L5 = 2.0 / 11, L6 = 2.0 / 13,
            L7 = 2.0 / 15, L8 = 2.0 / 17, L9 = 2.0 / 19, L10 = 2.0 / 21;

    /** The largest |x| that sin and cos reduce themselves: k < 2^30, so k·P1 is exact inside the first fma. */
    static final double TRIG_BOUND = 1e9;
    private static final double TWO_OVER_PI = 0x1.45f306dc9c883p-1;
    /**
     * π/2 = P1 + P2 + P3 + O(2^-160): P1 and P3 the doubles nearest to what is left, P2 rounded down so that all three
     * are positive; then r = x + k·(−P) keeps the sign of a zero x (k = +0 makes each product −0).
     */
    private static final double P1 = 0x1.921fb54442d18p0, P2 = 0x1.1a62633145c06p-54, P3 = 0x1.c1cd129024e09p-107;
    /** sin r = r + r·z·(S3 + z·(S5 + …)), cos r = 1 − z/2 + z²·(C4 + z·(C6 + …)), z = r², |r| ≤ π/4. */
    private static final double S3 = -inverseFactorial(3), S5 = inverseFactorial(5), S7 = -inverseFactorial(7),
            S9 = inverseFactorial(9), S11 = -inverseFactorial(11), S13 = inverseFactorial(13),
            S15 = -inverseFactorial(15), S17 = inverseFactorial(17);
    private static final double C4 = inverseFactorial(4), C6 = -inverseFactorial(6), C8 = inverseFactorial(8),
            C10 = -inverseFactorial(10), C12 = inverseFactorial(12), C14 = -inverseFactorial(14),
            C16 = inverseFactorial(16);

    /** Where tanh already rounds to ±1 (1 − tanh(x) ≈ 2e^(−2x) is under half an ulp of 1). */
    private static final float TANH_CLAMP_F = 10;
    private static final double TANH_CLAMP = 20;

    private VectorMath() {
    }

    /** 1/k! rounded once: k! is exact in a double for k ≤ 18. */
    private static double inverseFactorial(int k) {
        double f = 1;
        for (int i = 2; i <= k; i++) f *= i;
        return 1 / f;
    }

    private static float f(int k) {
        return (float) inverseFactorial(k);
    }

    /** Lane i is swapped with lane i ^ h, for h = length/2, …, 1. */
    @SuppressWarnings("unchecked")
    private static <E> VectorShuffle<E>[] butterfly(VectorSpecies<E> s) {
        VectorShuffle<E>[] r = new VectorShuffle[Integer.numberOfTrailingZeros(s.length())];
        for (int level = 0; level < r.length; level++) {
            int h = s.length() >> (level + 1);
            r[level] = VectorShuffle.fromOp(s, i -> i ^ h);
        }
        return r;
    }

    /** The sum of the lanes in a fixed butterfly order (halves added, then quarters, …), the same in every tier. */
    static float sum(FloatVector v) {
        for (VectorShuffle<Float> s : F_BUTTERFLY) v = v.add(v.rearrange(s));
        return v.lane(0);
    }

    static double sum(DoubleVector v) {
        for (VectorShuffle<Double> s : D_BUTTERFLY) v = v.add(v.rearrange(s));
        return v.lane(0);
    }

    /** 2^n for n in the normal exponent range, from its bits. */
    private static FloatVector pow2(IntVector n) {
        return n.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
    }

    private static DoubleVector pow2(LongVector n) {
        return n.add(1023).lanewise(LSHL, 52).reinterpretAsDoubles();
    }

    static FloatVector exp(FloatVector x) {
        return exp(x, false);
    }

    /** e^x − 1 with small relative error near 0, for x in [−87, 0] (where 2^k is normal and 2^k − 1 well rounded). */
    static FloatVector expm1(FloatVector x) {
        return exp(x, true);
    }

    /**
     * e^x, or e^x − 1 when asked (a constant at each call site, so the compiler keeps one branch). Where some lane is
     * beyond ±{@value #EXP_SAFE_F} (or NaN), x is clamped and the scaling split in 2^(k>>1)·2^(k − k>>1), both factors
     * normal for every clamped k and the first product exact; elsewhere 2^k is normal and one product gives the same
     * bits, so a lane's result never depends on its neighbours.
     */
    private static FloatVector exp(FloatVector x, boolean minusOne) {
        boolean wide = !x.lanewise(ABS).compare(LE, EXP_SAFE_F).allTrue();
        FloatVector c = wide ? x.max(EXP_LO_F).min(EXP_HI_F) : x;
        FloatVector t = c.fma(FloatVector.broadcast(F, (float) LOG2E), FloatVector.broadcast(F, ROUND_F));
        FloatVector k = t.sub(ROUND_F);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI_F), c);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO_F), r);
        FloatVector q = expm1Taylor(r);
        IntVector n = t.reinterpretAsInts().sub(ROUND_F_BITS);
        if (minusOne) {
            FloatVector s = pow2(n);
            return s.fma(q, s.sub(1));
        }
        if (!wide) return q.add(1).mul(pow2(n));
        IntVector half = n.lanewise(ASHR, 1);
        return q.add(1).mul(pow2(half)).mul(pow2(n.sub(half)));
    }

    /**
     * e^r − 1 for |r| ≤ ln2/2 from its Taylor polynomial, r + r²·(1/2! + r·(1/3! + …)). Each polynomial and each step
     * of these functions sits in a method of its own: C2 inlines a hot callee only below 325 bytes of bytecode, and a
     * vector that crosses a call it did not inline is boxed on the heap.
     */
    private static FloatVector expm1Taylor(FloatVector r) {
        FloatVector p = r.fma(FloatVector.broadcast(F, F7), FloatVector.broadcast(F, F6));
        p = p.fma(r, FloatVector.broadcast(F, F5));
        p = p.fma(r, FloatVector.broadcast(F, F4));
        p = p.fma(r, FloatVector.broadcast(F, F3));
        p = p.fma(r, FloatVector.broadcast(F, F2));
        return r.mul(r).fma(p, r);
    }

    private static DoubleVector expm1Taylor(DoubleVector r) {
        DoubleVector p = r.fma(DoubleVector.broadcast(D, E13), DoubleVector.broadcast(D, E12));
        p = p.fma(r, DoubleVector.broadcast(D, E11));
        p = p.fma(r, DoubleVector.broadcast(D, E10));
        p = p.fma(r, DoubleVector.broadcast(D, E9));
        p = p.fma(r, DoubleVector.broadcast(D, E8));
        p = p.fma(r, DoubleVector.broadcast(D, E7));
        p = p.fma(r, DoubleVector.broadcast(D, E6));
        p = p.fma(r, DoubleVector.broadcast(D, E5));
        p = p.fma(r, DoubleVector.broadcast(D, E4));
        p = p.fma(r, DoubleVector.broadcast(D, E3));
        p = p.fma(r, DoubleVector.broadcast(D, E2));
        return r.mul(r).fma(p, r);
    }

    static DoubleVector exp(DoubleVector x) {
        return exp(x, false);
    }

    /** e^x − 1 with small relative error near 0, for x in [−708, 0]. */
    static DoubleVector expm1(DoubleVector x) {
        return exp(x, true);
    }

    private static DoubleVector exp(DoubleVector x, boolean minusOne) {
        boolean wide = !x.lanewise(ABS).compare(LE, EXP_SAFE).allTrue();
        DoubleVector c = wide ? x.max(EXP_LO).min(EXP_HI) : x;
        DoubleVector t = c.fma(DoubleVector.broadcast(D, LOG2E), DoubleVector.broadcast(D, ROUND_D));
        DoubleVector k = t.sub(ROUND_D);
        DoubleVector r = k.fma(DoubleVector.broadcast(D, -LN2_HI), c);
        r = k.fma(DoubleVector.broadcast(D, -LN2_LO), r);
        DoubleVector q = expm1Taylor(r);
        LongVector n = t.reinterpretAsLongs().sub(ROUND_D_BITS);
        if (minusOne) {
            DoubleVector s = pow2(n);
            return s.fma(q, s.sub(1));
        }
        if (!wide) return q.add(1).mul(pow2(n));
        LongVector half = n.lanewise(ASHR, 1);
        return q.add(1).mul(pow2(half)).mul(pow2(n.sub(half)));
    }

    /**
     * log x; log(±0) = −Inf, log(x &lt; 0) = NaN, log(+Inf) = +Inf. The exponent goes in through fma with ln 2 in two
     * parts, so e·ln2 costs no rounding beyond the final one.
     */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> sub = x.compare(LT, Float.MIN_NORMAL);
        FloatVector v = x.blend(x.mul(0x1p25f), sub);
        IntVector bits = v.reinterpretAsInts().add(Float.floatToRawIntBits(1f) - SQRT_HALF_F_BITS);
        FloatVector e = (FloatVector) bits.lanewise(ASHR, 23).sub(127).convert(I2F, 0);
        e = e.sub(FloatVector.zero(F).blend(25, sub));
        FloatVector f = bits.and(0x007fffff).add(SQRT_HALF_F_BITS).reinterpretAsFloats().sub(1);
        FloatVector y = e.fma(FloatVector.broadcast(F, LN2_HI_F), e.fma(FloatVector.broadcast(F, LN2_LO_F), log1pReduced(f)));
        return y.blend(Float.NaN, x.compare(GE, 0).not())
                .blend(Float.NEGATIVE_INFINITY, x.compare(EQ, 0))
                .blend(Float.POSITIVE_INFINITY, x.compare(EQ, Float.POSITIVE_INFINITY));
    }

    static DoubleVector log(DoubleVector x) {
        VectorMask<Double> sub = x.compare(LT, Double.MIN_NORMAL);
        DoubleVector v = x.blend(x.mul(0x1p54), sub);
        LongVector bits = v.reinterpretAsLongs().add(Double.doubleToRawLongBits(1.0) - SQRT_HALF_BITS);
        DoubleVector e = (DoubleVector) bits.lanewise(ASHR, 52).sub(1023).convert(L2D, 0);
        e = e.sub(DoubleVector.zero(D).blend(54, sub));
        DoubleVector f = bits.and(0x000fffffffffffffL).add(SQRT_HALF_BITS).reinterpretAsDoubles().sub(1);
        DoubleVector y = e.fma(DoubleVector.broadcast(D, LN2_HI), e.fma(DoubleVector.broadcast(D, LN2_LO), log1pReduced(f)));
        return y.blend(Double.NaN, x.compare(GE, 0).not())
                .blend(Double.NEGATIVE_INFINITY, x.compare(EQ, 0))
                .blend(Double.POSITIVE_INFINITY, x.compare(EQ, Double.POSITIVE_INFINITY));
    }

    /** log(1 + f) for f = m − 1, m in [√½, √2): f exact, the series a correction to it. */
    private static FloatVector log1pReduced(FloatVector f) {
        FloatVector s = f.div(f.add(2)), z = s.mul(s), hfsq = f.mul(f).mul(0.5f);
        FloatVector rz = z.fma(FloatVector.broadcast(F, G4), FloatVector.broadcast(F, G3));
        rz = rz.fma(z, FloatVector.broadcast(F, G2));
        rz = rz.fma(z, FloatVector.broadcast(F, G1)).mul(z);
        return f.sub(hfsq.sub(s.mul(hfsq.add(rz))));
    }

    private static DoubleVector log1pReduced(DoubleVector f) {
        DoubleVector s = f.div(f.add(2)), z = s.mul(s), hfsq = f.mul(f).mul(0.5);
        DoubleVector rz = z.fma(DoubleVector.broadcast(D, L10), DoubleVector.broadcast(D, L9));
        rz = rz.fma(z, DoubleVector.broadcast(D, L8));
        rz = rz.fma(z, DoubleVector.broadcast(D, L7));
        rz = rz.fma(z, DoubleVector.broadcast(D, L6));
        rz = rz.fma(z, DoubleVector.broadcast(D, L5));
        rz = rz.fma(z, DoubleVector.broadcast(D, L4));
        rz = rz.fma(z, DoubleVector.broadcast(D, L3));
        rz = rz.fma(z, DoubleVector.broadcast(D, L2));
        rz = rz.fma(z, DoubleVector.broadcast(D, L1)).mul(z);
        return f.sub(hfsq.sub(s.mul(hfsq.add(rz))));
    }

    /** tanh |x| = −t/(t + 2) with t = e^(−2|x|) − 1 in (−1, 0]: no cancellation near 0, none near 1; sign by its bit. */
    static FloatVector tanh(FloatVector x) {
        FloatVector t = expm1(x.lanewise(ABS).min(TANH_CLAMP_F).mul(-2));
        FloatVector y = t.neg().div(t.add(2));
        return y.reinterpretAsInts().and(Integer.MAX_VALUE).or(x.reinterpretAsInts().and(Integer.MIN_VALUE)).reinterpretAsFloats();
    }

    static DoubleVector tanh(DoubleVector x) {
        DoubleVector t = expm1(x.lanewise(ABS).min(TANH_CLAMP).mul(-2));
        DoubleVector y = t.neg().div(t.add(2));
        return y.reinterpretAsLongs().and(Long.MAX_VALUE).or(x.reinterpretAsLongs().and(Long.MIN_VALUE)).reinterpretAsDoubles();
    }

    /** 1/(1+e) for x ≥ 0 and e/(1+e) below, with e = exp(−|x|) ≤ 1: neither branch overflows or cancels. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.lanewise(ABS).neg());
        return e.blend(1, x.compare(GE, 0)).div(e.add(1));
    }

    static DoubleVector sigmoid(DoubleVector x) {
        DoubleVector e = exp(x.lanewise(ABS).neg());
        return e.blend(1, x.compare(GE, 0)).div(e.add(1));
    }

    static DoubleVector sin(DoubleVector x) {
        return sinCos(x, 0);
    }

    static DoubleVector cos(DoubleVector x) {
        return sinCos(x, 1);
    }

    /**
     * sin x (quadrant 0) or cos x = sin(x + π/2) (quadrant 1): x = k·π/2 + r, then ±sin r or ±cos r by k + quadrant.
     * cos r adds the rounding error of 1 − z/2 back, so it stays within about half an ulp.
     */
    private static DoubleVector sinCos(DoubleVector x, int quadrant) {
        DoubleVector t = x.fma(DoubleVector.broadcast(D, TWO_OVER_PI), DoubleVector.broadcast(D, ROUND_D));
        DoubleVector k = t.sub(ROUND_D);
        DoubleVector r = k.fma(DoubleVector.broadcast(D, -P1), x);
        r = k.fma(DoubleVector.broadcast(D, -P2), r);
        r = k.fma(DoubleVector.broadcast(D, -P3), r);
        DoubleVector z = r.mul(r);
        DoubleVector sin = sinReduced(r, z), cos = cosReduced(z);
        LongVector q = t.reinterpretAsLongs().add(quadrant);
        DoubleVector y = sin.blend(cos, q.and(1).compare(NE, 0).cast(D));
        y = y.reinterpretAsLongs().lanewise(XOR, q.and(2).lanewise(LSHL, 62)).reinterpretAsDoubles();
        VectorMask<Double> far = x.lanewise(ABS).compare(GT, TRIG_BOUND);
        return far.anyTrue() ? y.blend(scalarSinCos(x, quadrant), far) : y;
    }

    private static DoubleVector sinReduced(DoubleVector r, DoubleVector z) {
        DoubleVector p = z.fma(DoubleVector.broadcast(D, S17), DoubleVector.broadcast(D, S15));
        p = p.fma(z, DoubleVector.broadcast(D, S13));
        p = p.fma(z, DoubleVector.broadcast(D, S11));
        p = p.fma(z, DoubleVector.broadcast(D, S9));
        p = p.fma(z, DoubleVector.broadcast(D, S7));
        p = p.fma(z, DoubleVector.broadcast(D, S5));
        p = p.fma(z, DoubleVector.broadcast(D, S3));
        return r.mul(z).fma(p, r).blend(r, z.compare(EQ, 0));   // r itself where z underflows: sin(−0) = −0
    }

    private static DoubleVector cosReduced(DoubleVector z) {
        DoubleVector p = z.fma(DoubleVector.broadcast(D, C16), DoubleVector.broadcast(D, C14));
        p = p.fma(z, DoubleVector.broadcast(D, C12));
        p = p.fma(z, DoubleVector.broadcast(D, C10));
        p = p.fma(z, DoubleVector.broadcast(D, C8));
        p = p.fma(z, DoubleVector.broadcast(D, C6));
        p = p.fma(z, DoubleVector.broadcast(D, C4));
        DoubleVector hz = z.mul(0.5), w = hz.neg().add(1);
        return w.add(w.neg().add(1).sub(hz).add(z.mul(z).mul(p)));
    }

    /** Math.sin or Math.cos per lane, for lanes beyond TRIG_BOUND (rare: the caller blends only those in). */
    private static DoubleVector scalarSinCos(DoubleVector x, int quadrant) {
        double[] a = x.toArray();
        for (int i = 0; i < a.length; i++) a[i] = quadrant == 0 ? Math.sin(a[i]) : Math.cos(a[i]);
        return DoubleVector.fromArray(D, a, 0);
    }
}
