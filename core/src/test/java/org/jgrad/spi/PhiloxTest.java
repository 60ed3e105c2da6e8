package org.jgrad.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.jgrad.DType;
import org.jgrad.Rng;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/** Philox-4x32-10 is the published algorithm bit for bit, and its uniform and normal mappings are sound. */
final class PhiloxTest {

    @Test
    void zeroCounterAndKeyMatchRandom123KnownAnswer() {
        // Random123 tests/kat_vectors: philox4x32 10, counter 0 0 0 0, key 0 0 → 6627e8d5 e169c58d bc57ac4c 9b00dbd8
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, Philox.block(0, 0, 0, 0, 0, 0));
        assertArrayEquals(Philox.block(0, 0, 0, 0, 0, 0), Philox.block(0L, 0L), "the 64-bit form is words (lo, hi, 0, 0)");
    }

    @Test
    void allOnesCounterAndKeyMatchRandom123KnownAnswer() {
        // counter ffffffff ×4, key ffffffff ×2 → 408f276d 41c83b0e a20bc7c6 6d5451fd
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                Philox.block(-1, -1, -1, -1, -1, -1));
    }

    @Test
    void digitsOfPiCounterAndKeyMatchRandom123KnownAnswer() {
        // counter 243f6a88 85a308d3 13198a2e 03707344, key a4093822 299f31d0 → d16cfe09 94fdcceb 5001e420 24126ea1
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void longCounterAndSeedSplitIntoLowAndHighWords() {
        // counter c → (lo32(c), hi32(c), 0, 0) and seed s → (lo32(s), hi32(s))
        long seed = 0x299f31d0a4093822L, counter = 0x85a308d3243f6a88L;
        assertArrayEquals(Philox.block(0x243f6a88, 0x85a308d3, 0, 0, 0xa4093822, 0x299f31d0), Philox.block(seed, counter));
    }

    @Test
    void uniformF32IsTheTop24BitsOfWordZero() {
        // u = (w0 >>> 8) · 2⁻²⁴: exactly representable in F32 and < 1 even when w0 = 0xffffffff
        for (long c = 0; c < 64; c++) {
            int w0 = Philox.block(123L, c)[0];
            assertEquals((w0 >>> 8) / 16777216.0, Philox.uniformF32(123L, c), 0);
        }
        assertTrue((0xffffffff >>> 8) * 0x1.0p-24f < 1f);
    }

    @Test
    void uniformValuesLieInTheUnitIntervalAndFillItEvenly() {
        // 20000 draws in [0, 1): each tenth of the interval holds 2000 ± 5σ (σ ≈ 42)
        int[] bins = new int[10];
        for (long c = 0; c < 20_000; c++) {
            float f = Philox.uniformF32(9L, c);
            double d = Philox.uniformF64(9L, c);
            assertTrue(f >= 0 && f < 1, "F32 draw " + f);
            assertTrue(d >= 0 && d < 1, "F64 draw " + d);
            bins[(int) (d * 10)]++;
        }
        for (int b : bins) assertTrue(Math.abs(b - 2000) < 210, "bin count " + b);
    }

    @Test
    void normalValuesAreFiniteWithStandardNormalMomentsAndTails() {
        // 200,000 draws: each statistic within about 5 standard errors of N(0, 1)'s (mean √(1/n), variance √(2/n),
        // skewness √(6/n), excess kurtosis √(24/n); a tail fraction p within 5·√(p(1−p)/n)). Box–Muller with
        // u1 ∈ (0, 1]: log(u1) is never −∞, so every draw is finite.
        int n = 200_000;
        double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
        int beyond1 = 0, beyond2 = 0, beyond3 = 0;
        for (long c = 0; c < n; c++) {
            double z = Philox.normal(5L, c);
            assertTrue(Double.isFinite(z), "draw " + c + " is " + z);
            m1 += z;
            m2 += z * z;
            m3 += z * z * z;
            m4 += z * z * z * z;
            double a = Math.abs(z);
            if (a > 1) beyond1++;
            if (a > 2) beyond2++;
            if (a > 3) beyond3++;
        }
        assertEquals(0, m1 / n, 0.012, "mean");
        assertEquals(1, m2 / n, 0.016, "variance");
        assertEquals(0, m3 / n, 0.03, "skewness");
        assertEquals(3, m4 / n, 0.06, "kurtosis");
        assertEquals(0.317311, (double) beyond1 / n, 0.0052, "P(|z| > 1)");
        assertEquals(0.045500, (double) beyond2 / n, 0.0024, "P(|z| > 2)");
        assertEquals(0.002700, (double) beyond3 / n, 0.0006, "P(|z| > 3)");
    }

    @Test
    void normalDecilesHoldATenthOfTheDrawsEach() {
        // bins cut at N(0, 1)'s deciles; Pearson's χ² with 9 degrees of freedom stays under 33.7 (p = 10^-4)
        double[] cuts = {-1.2815516, -0.8416212, -0.5244005, -0.2533471, 0, 0.2533471, 0.5244005, 0.8416212, 1.2815516};
        int n = 200_000;
        int[] bins = new int[10];
        for (long c = 0; c < n; c++) {
            double z = Philox.normal(11L, c);
            int b = 0;
            while (b < cuts.length && z > cuts[b]) b++;
            bins[b]++;
        }
        double chi2 = 0;
        for (int b : bins) chi2 += (b - n / 10.0) * (b - n / 10.0) / (n / 10.0);
        assertTrue(chi2 < 33.7, "χ² " + chi2 + " over deciles " + Arrays.toString(bins));
    }

    /**
     * Pins the normal draw's bits, which every backend must reproduce (values generated from this implementation),
     * and checks each against √(−2 ln u1)·cos 2πu2 in StrictMath with the angle in two parts, within 4 ulps.
     */
    @Test
    void normalDrawsMatchTheirKnownAnswersAndTheFormula() {
        long[][] seedCounter = {{0, 0}, {0, 1}, {5, 12345}, {0x299f31d0a4093822L, 0x85a308d3243f6a88L}, {-1, -1}};
        double[] expected = {-0x1.f1bcd549837c3p-4, -0x1.4f5b54df97ef4p-4, -0x1.0dd5bdbb4a6d3p1, 0x1.7ff7b46f7e2e2p-2,
                -0x1.b5eb57a3ab9d9p-4};
        for (int i = 0; i < expected.length; i++) {
            long seed = seedCounter[i][0], counter = seedCounter[i][1];
            double z = Philox.normal(seed, counter);
            assertEquals(expected[i], z, 0, "seed " + seed + ", counter " + counter);
            int[] w = Philox.block(seed, counter);
            double u1 = (((w[0] & 0xFFFFFFFFL) << 21 | (w[1] & 0xFFFFFFFFL) >>> 11) + 1) * 0x1.0p-53;
            double u2 = ((w[2] & 0xFFFFFFFFL) << 21 | (w[3] & 0xFFFFFFFFL) >>> 11) * 0x1.0p-53;
            double a = 0x1.921fb54442d18p2 * u2, b = Math.fma(0x1.921fb54442d18p2, u2, -a) + 0x1.1a62633145c07p-52 * u2;
            double formula = StrictMath.sqrt(-2 * StrictMath.log(u1)) * (StrictMath.cos(a) - b * StrictMath.sin(a));
            assertEquals(formula, z, 4 * Math.ulp(formula), "seed " + seed + ", counter " + counter + " against the formula");
        }
    }

    @Test
    void differentSeedsAndCountersGiveDifferentBlocks() {
        // neighbouring counters and seeds are decorrelated: no two of these blocks share a word 0
        assertNotEquals(Philox.block(1L, 0L)[0], Philox.block(2L, 0L)[0]);
        assertNotEquals(Philox.block(1L, 0L)[0], Philox.block(1L, 1L)[0]);
        assertNotEquals(Philox.block(1L, 1L << 32)[0], Philox.block(1L, 0L)[0], "the counter's high word counts");
    }

    @Test
    void randomTensorsAreThePhiloxNumbersOfConsecutiveCounters() {
        // element k of a draw at offset o is Philox's number for counter o + k, whatever the shape
        Rng rng = new Rng(77);
        Tensor.rand(rng, DType.F32, 3);
        float[] u = Tensor.rand(rng, DType.F32, 2, 2).toFloatArray();
        for (int k = 0; k < 4; k++) assertEquals(Philox.uniformF32(77, 3 + k), u[k], 0);
        double[] z = Tensor.randn(new Rng(77), DType.F64, 5).toDoubleArray();
        for (int k = 0; k < 5; k++) assertEquals(Philox.normal(77, k), z[k], 0);
        float[] zf = Tensor.randn(new Rng(77), DType.F32, 5).toFloatArray();
        for (int k = 0; k < 5; k++) assertEquals((float) Philox.normal(77, k), zf[k], 0);
    }
}
