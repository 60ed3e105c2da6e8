package org.jgrad;

/**
 * A seeded source of random tensors: a seed and a running counter offset. Each draw of n numbers takes the next
 * n Philox counters, so a sequence of draws from one seed is reproducible and identical on every backend.
 */
public final class Rng {
    private final long seed;
    private long offset;

    public Rng(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** The counter the next draw starts at. */
    public long offset() {
        return offset;
    }

    /** Reserves {@code n} counters and returns the first. */
    long take(long n) {
        long start = offset;
        offset += n;
        return start;
    }
}
