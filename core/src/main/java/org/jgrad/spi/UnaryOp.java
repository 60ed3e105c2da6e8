package org.jgrad.spi;

/** Elementwise primitives of one operand: {@code out[i] = f(x[i])}. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, SIGN, TANH, SIGMOID, RELU, SIN, COS, ERF
}
