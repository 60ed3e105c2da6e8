package org.jgrad.spi;

/**
 * Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), the counter-based
 * generator every backend uses so that a seed gives the same numbers everywhere. Each element's number depends
 * only on (seed, counter), never on the order elements are computed in.
 *
 * <p>Counter {@code c} is the block {@code (lo32(c), hi32(c), 0, 0)}, the key is {@code (lo32(seed), hi32(seed))}.
 * Uniform F32 takes the top 24 bits of word 0; uniform F64 takes 53 bits of words 0 and 1; normal uses
 * Box–Muller with u1 ∈ (0, 1] from words 0–1 and u2 ∈ [0, 1) from words 2–3, computed in double with
 * {@link PortableMath}'s log and cosine, which round the same on every device, in place of the library's.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    private Philox() {
    }

    /** The four 32-bit output words for one counter. */
    public static int[] block(long seed, long counter) {
        return block((int) counter, (int) (counter >>> 32), 0, 0, (int) seed, (int) (seed >>> 32));
    }

    /** Philox-4x32-10 of the full 128-bit counter {@code (c0, c1, c2, c3)} under the key {@code (k0, k1)}. */
    static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
        long w01 = rounds(c0, c1, c2, c3, k0, k1, false), w23 = rounds(c0, c1, c2, c3, k0, k1, true);
        return new int[] {(int) (w01 >>> 32), (int) w01, (int) (w23 >>> 32), (int) w23};
    }

    /**
     * The ten rounds; returns words 0 and 1 (or 2 and 3 when {@code second}) as {@code w0 << 32 | w1}, so that the
     * uniform draws, which need only those, allocate nothing on a backend's hot path.
     */
    private static long rounds(int c0, int c1, int c2, int c3, int k0, int k1, boolean second) {
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
            k0 += W0;
            k1 += W1;
        }
        return second ? ((long) c2 << 32) | (c3 & 0xFFFFFFFFL) : ((long) c0 << 32) | (c1 & 0xFFFFFFFFL);
    }

    /** Words 0 and 1 for counter block {@code (lo32(counter), hi32(counter), 0, 0)}, as {@code w0 << 32 | w1}. */
    private static long words01(long seed, long counter) {
        return rounds((int) counter, (int) (counter >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), false);
    }

    /** Uniform on [0, 1) with 24 random bits: the F32 draw. */
    public static float uniformF32(long seed, long counter) {
        return ((int) (words01(seed, counter) >>> 32) >>> 8) * 0x1.0p-24f;
    }

    /** Uniform on [0, 1) with 53 random bits: the F64 draw. */
    public static double uniformF64(long seed, long counter) {
        long w = words01(seed, counter);
        return bits53((int) (w >>> 32), (int) w) * 0x1.0p-53;
    }

    /** Standard normal (computed in double; the F32 draw is this value rounded). */
    public static double normal(long seed, long counter) {
        int[] w = block(seed, counter);
        double u1 = (bits53(w[0], w[1]) + 1) * 0x1.0p-53;
        double u2 = bits53(w[2], w[3]) * 0x1.0p-53;
        return Math.sqrt(-2 * PortableMath.log(u1)) * PortableMath.cosTwoPi(u2);
    }

    private static long bits53(int hi, int lo) {
        return ((hi & 0xFFFFFFFFL) << 21) | ((lo & 0xFFFFFFFFL) >>> 11);
    }
}
