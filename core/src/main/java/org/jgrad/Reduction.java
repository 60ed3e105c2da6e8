package org.jgrad;

/** How a loss combines its per-element values. */
public enum Reduction {
    /** One loss per element. */
    NONE,
    /** The mean (over non-ignored elements, for class losses). */
    MEAN,
    /** The sum. */
    SUM
}
