package org.jgrad.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * PortableMath's log and cosine stay within 1 ulp of StrictMath over what Philox.normal feeds them (u1 ∈ (0, 1] and
 * u2 ∈ [0, 1), multiples of 2^-53), with the edges that break reductions swept on purpose.
 */
final class PortableMathTest {
    private static final int SAMPLES = Integer.getInteger("jgrad.cases", 100) * 2_000;

    /** |a − b| in units of b's last place (b the reference). */
    private static double ulps(double a, double b) {
        return Math.abs(a - b) / Math.ulp(b);
    }

    /** The worst of log's errors over random draws, every power of two and the neighbourhoods of 1 and √½. */
    @Test
    void logIsWithinOneUlpOfStrictMathOnTheUnitInterval() {
        SplittableRandom rnd = new SplittableRandom(1);
        double worst = 0;
        for (int i = 0; i < SAMPLES; i++) {
            double u = ((rnd.nextLong() >>> 11) + 1) * 0x1.0p-53;   // as Philox.normal's u1: (0, 1]
            worst = Math.max(worst, ulps(PortableMath.log(u), StrictMath.log(u)));
        }
        for (int e = 0; e <= 53; e++) {
            double p = Math.scalb(1.0, -e);
            assertEquals(StrictMath.log(p), PortableMath.log(p), 0, "log 2^-" + e);
        }
        double[] centres = {1, Math.sqrt(0.5), 0.5};
        for (double c : centres) {
            double x = c;
            for (int k = 0; k < 2_000; k++, x = Math.nextDown(x))
                worst = Math.max(worst, ulps(PortableMath.log(x), StrictMath.log(x)));
        }
        assertTrue(worst <= 1, "log is " + worst + " ulps from StrictMath");
    }

    @Test
    void logCoversEveryNormalBinade() {
        // the same reduction serves any positive normal x, not only the unit interval's
        SplittableRandom rnd = new SplittableRandom(2);
        double worst = 0;
        for (int i = 0; i < SAMPLES; i++) {
            double x = Double.longBitsToDouble(rnd.nextLong(Double.doubleToRawLongBits(Double.MIN_NORMAL),
                    Double.doubleToRawLongBits(Double.MAX_VALUE)));
            worst = Math.max(worst, ulps(PortableMath.log(x), StrictMath.log(x)));
        }
        assertTrue(worst <= 1, "log is " + worst + " ulps from StrictMath");
    }

    /**
     * cos 2πt against StrictMath at the double-double argument 2πt = a + b: cos a − b·sin a, which stays accurate
     * where cos is near zero (t near ¼, ¾) and a plain StrictMath.cos(2π·t) would carry the argument's rounding.
     */
    private static double cosTwoPiReference(double t) {
        double a = 0x1.921fb54442d18p2 * t;
        double b = Math.fma(0x1.921fb54442d18p2, t, -a) + 0x1.1a62633145c07p-52 * t;
        return StrictMath.cos(a) - b * StrictMath.sin(a);
    }

    @Test
    void cosTwoPiIsWithinOneUlpOverATurn() {
        SplittableRandom rnd = new SplittableRandom(3);
        double worst = 0;
        for (int i = 0; i < SAMPLES; i++) {
            double t = (rnd.nextLong() >>> 11) * 0x1.0p-53;   // as Philox.normal's u2: [0, 1)
            worst = Math.max(worst, ulps(PortableMath.cosTwoPi(t), cosTwoPiReference(t)));
        }
        // around every multiple of 1/8: the quadrant edges (k/4, where cos or sin is near 0) and the octant edges
        // (|θ| = π/4, where the reduction switches polynomial)
        for (int j = 0; j <= 8; j++) {
            double up = j / 8.0, down = j / 8.0;
            for (int k = 0; k < 2_000; k++, up = Math.nextUp(up), down = Math.nextDown(down)) {
                if (down >= 0) worst = Math.max(worst, ulps(PortableMath.cosTwoPi(down), cosTwoPiReference(down)));
                if (up < 1) worst = Math.max(worst, ulps(PortableMath.cosTwoPi(up), cosTwoPiReference(up)));
            }
        }
        assertTrue(worst <= 1, "cos 2πt is " + worst + " ulps from StrictMath");
    }

    @Test
    void cosTwoPiIsExactAtTheQuarterTurnsAndEvenInT() {
        assertEquals(1, PortableMath.cosTwoPi(0), 0);
        assertEquals(0, PortableMath.cosTwoPi(0.25), 0);
        assertEquals(-1, PortableMath.cosTwoPi(0.5), 0);
        assertEquals(0, PortableMath.cosTwoPi(0.75), 0);
        assertEquals(Math.sqrt(0.5), PortableMath.cosTwoPi(0.125), Math.ulp(Math.sqrt(0.5)));
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 1_000; i++) {
            double t = rnd.nextDouble(-1000, 1000);
            assertEquals(PortableMath.cosTwoPi(t), PortableMath.cosTwoPi(-t), 0, "t = " + t);
            assertTrue(ulps(PortableMath.cosTwoPi(t), cosTwoPiReference(t - Math.rint(t))) <= 1, "t = " + t);
        }
    }
}
