package org.jgrad.spi;

/**
 * The logarithm and cosine that {@link Philox#normal} needs, built only from operations IEEE 754 rounds correctly
 * (+, −, ×, ÷, sqrt, fma, conversions, bit operations), so that Java and any OpenCL 1.2 device with doubles compute
 * the same bits. Library log and cos may round either way on the last bit (OpenCL allows 3–4 ulps), which would
 * make a seed's normal numbers depend on the device. elementwise.cl ports this class line for line, with contraction
 * off and {@code fma} at the same places; a change here must be made there too (OpenClRandomTest checks the bits).
 *
 * <p>Written once here rather than shared with backend-cpu's VectorMath: core cannot depend on a backend, and the
 * vector kernels need lane-wise code. The log is VectorMath's reduction (x = 2^e·m, m in [√½, √2), atanh series of
 * s = f/(2+f)); the cosine takes its argument in turns, so that the reduction is exact. Accuracy (PortableMathTest):
 * within 1 ulp of StrictMath.
 */
final class PortableMath {
    /** ln 2 in two parts: hi the double nearest, lo the rest. */
    private static final double LN2_HI = 0x1.62e42fefa39efp-1, LN2_LO = 0x1.abc9e3b39803fp-56;
    /** Bits of 1 and of √½: adding their difference moves mantissas of √½ and above into the next binade. */
    private static final long ONE_BITS = 0x3ff0000000000000L, SQRT_HALF_BITS = 0x3fe6a09e667f3bcdL;
    private static final long MANTISSA = 0x000fffffffffffffL;
    /** log(1+f) = f − (f²/2 − s·(f²/2 + R(s²))), R(z) = Σ 2z^k/(2k+1), k = 1…10 (|s| ≤ 0.1716): the doubles nearest. */
    private static final double L1 = 0x1.5555555555555p-1, L2 = 0x1.999999999999ap-2, L3 = 0x1.2492492492492p-2,
            L4 = 0x1.c71c71c71c71cp-3, L5 = 0x1.745d1745d1746p-3, L6 = 0x1.3b13b13b13b14p-3,
            L7 = 0x1.1111111111111p-3, L8 = 0x1.e1e1e1e1e1e1ep-4, L9 = 0x1.af286bca1af28p-4,
            L10 = 0x1.8618618618618p-4;
    /** 2π in two parts: hi the double nearest (2·Math.PI), lo the rest. */
    private static final double TWO_PI_HI = 0x1.921fb54442d18p2, TWO_PI_LO = 0x1.1a62633145c07p-52;
    /** 1.5·2^52: adding it rounds a double of magnitude below 2^51 to an integer. */
    private static final double ROUND = 0x1.8p52;
    /** sin θ = θ + θ·z·(S3 + z·(S5 + …)), cos θ = 1 − z/2 + z²·(C4 + z·(C6 + …)), z = θ², |θ| ≤ π/4: ±1/k!. */
    private static final double S3 = -0x1.5555555555555p-3, S5 = 0x1.1111111111111p-7, S7 = -0x1.a01a01a01a01ap-13,
            S9 = 0x1.71de3a556c734p-19, S11 = -0x1.ae64567f544e4p-26, S13 = 0x1.6124613a86d09p-33,
            S15 = -0x1.ae7f3e733b81fp-41, S17 = 0x1.952c77030ad4ap-49;
    private static final double C4 = 0x1.5555555555555p-5, C6 = -0x1.6c16c16c16c17p-10, C8 = 0x1.a01a01a01a01ap-16,
            C10 = -0x1.27e4fb7789f5cp-22, C12 = 0x1.1eed8eff8d898p-29, C14 = -0x1.93974a8c07c9dp-37,
            C16 = 0x1.ae7f3e733b81fp-45;

    private PortableMath() {
    }

    /**
     * log x for positive normal x (what Philox.normal passes: (0, 1] in steps of 2^-53); other inputs give garbage.
     * The exponent goes in through fma with ln 2 in two parts, so e·ln 2 costs no rounding beyond the last.
     */
    static double log(double x) {
        long bits = Double.doubleToRawLongBits(x) + (ONE_BITS - SQRT_HALF_BITS);
        double e = (double) ((bits >> 52) - 1023);
        double f = Double.longBitsToDouble((bits & MANTISSA) + SQRT_HALF_BITS) - 1;
        double s = f / (f + 2), z = s * s, hfsq = f * f * 0.5;
        double r = Math.fma(z, L10, L9);
        r = Math.fma(r, z, L8);
        r = Math.fma(r, z, L7);
        r = Math.fma(r, z, L6);
        r = Math.fma(r, z, L5);
        r = Math.fma(r, z, L4);
        r = Math.fma(r, z, L3);
        r = Math.fma(r, z, L2);
        r = Math.fma(r, z, L1) * z;
        double log1p = f - (hfsq - s * (hfsq + r));
        return Math.fma(e, LN2_HI, Math.fma(e, LN2_LO, log1p));
    }

    /**
     * cos 2πt for |t| &lt; 2^49. t = k/4 + r exactly (k the nearest integer to 4t; the subtraction is exact by
     * Sterbenz's lemma), |r| ≤ 1/8, so θ = 2πr in [−π/4, π/4] is carried as h + l (2π in two parts, the product's
     * error through fma); then cos 2πt = cos θ, −sin θ, −cos θ or sin θ by k mod 4.
     */
    static double cosTwoPi(double t) {
        double k = (4 * t + ROUND) - ROUND;
        double r = t - 0.25 * k;
        double h = TWO_PI_HI * r;
        double l = Math.fma(TWO_PI_LO, r, Math.fma(TWO_PI_HI, r, -h));
        double z = h * h;
        int q = (int) (long) k & 3;
        double y = (q & 1) == 0 ? cosReduced(h, l, z) : sinReduced(h, l, z);
        return q == 1 || q == 2 ? -y : y;
    }

    /** sin(h + l) = h + (l + h·z·S(z)): l is below an ulp of h, so its effect on the higher terms is negligible. */
    private static double sinReduced(double h, double l, double z) {
        double p = Math.fma(z, S17, S15);
        p = Math.fma(p, z, S13);
        p = Math.fma(p, z, S11);
        p = Math.fma(p, z, S9);
        p = Math.fma(p, z, S7);
        p = Math.fma(p, z, S5);
        p = Math.fma(p, z, S3);
        return h + Math.fma(h * z, p, l);
    }

    /**
     * cos(h + l) = 1 − θ²/2 + z²·C(z) with θ²/2 = z/2 + (zl/2 + h·l), zl = h² − z exact by fma; w = 1 − z/2 and the
     * rounding error of w are summed separately, so the result stays within about half an ulp.
     */
    private static double cosReduced(double h, double l, double z) {
        double p = Math.fma(z, C16, C14);
        p = Math.fma(p, z, C12);
        p = Math.fma(p, z, C10);
        p = Math.fma(p, z, C8);
        p = Math.fma(p, z, C6);
        p = Math.fma(p, z, C4);
        double hz = 0.5 * z, w = 1 - hz;
        double tail = Math.fma(h, l, 0.5 * Math.fma(h, h, -z));
        return w + ((((1 - w) - hz) - tail) + z * z * p);
    }
}
