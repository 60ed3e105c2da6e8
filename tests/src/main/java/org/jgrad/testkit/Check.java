package org.jgrad.testkit;

/**
 * The generic checks the {@link OpRegistry} drives for every op. An op either supplies what a check needs or says,
 * in {@link OpSpec#notApplicable()}, why the check does not apply to it; the coverage test fails otherwise.
 */
public enum Check {
    /** First derivatives: autograd against central differences in F64 ({@link GradCheck#check}). */
    GRAD,
    /** Second derivatives: the backward rules' own backward ({@link GradCheck#checkGradGrad}). */
    GRAD_GRAD,
    /** Implicit broadcasting gives bitwise the result of explicitly {@code expand()}ed operands. */
    BROADCAST,
    /** Every non-contiguous layout of the inputs ({@link Strided}) gives bitwise the contiguous result. */
    STRIDED,
    /** Bad inputs are rejected with the expected exception and a message naming the op and the operands. */
    ERRORS,
    /** Another backend computes what the reference backend computes, forward and backward ({@link BackendParity}). */
    PARITY
}
