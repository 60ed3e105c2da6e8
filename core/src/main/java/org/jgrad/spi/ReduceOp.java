package org.jgrad.spi;

/**
 * Reductions over the trailing dimensions of a view. ARGMAX and ARGMIN write the I32 row-major position of
 * the first extreme element within the reduced block; MAX, MIN, ARGMAX and ARGMIN treat NaN as the extreme.
 */
public enum ReduceOp {
    SUM, MAX, MIN, ARGMAX, ARGMIN
}
