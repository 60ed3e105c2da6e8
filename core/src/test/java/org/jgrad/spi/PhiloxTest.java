package org.jgrad.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void normalValuesAreFiniteWithUnitMoments() {
        // Box–Muller with u1 ∈ (0, 1]: log(u1) is never −∞, so every draw is finite; mean ≈ 0 and variance ≈ 1
        double sum = 0, sq = 0;
        int n = 20_000;
        for (long c = 0; c < n; c++) {
            double z = Philox.normal(5L, c);
            assertTrue(Double.isFinite(z), "draw " + c + " is " + z);
            sum += z;
            sq += z * z;
        }
        assertEquals(0, sum / n, 0.05);
        assertEquals(1, sq / n, 0.05);
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
