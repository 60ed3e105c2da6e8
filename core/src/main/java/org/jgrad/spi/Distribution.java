package org.jgrad.spi;

/** What {@link Backend#random} draws; {@link Philox} defines the exact numbers. */
public enum Distribution {
    /** Uniform on [0, 1). */
    UNIFORM,
    /** Standard normal, by Box–Muller. */
    NORMAL
}
