package org.jgrad;

/** The activations a bias add can be fused with ({@link Functional#biasActivation}). */
public enum Activation {
    NONE, RELU, SIGMOID, TANH;

    /** The activation as plain Tensor ops: the definition a fused kernel must match. */
    public Tensor apply(Tensor x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> x.relu();
            case SIGMOID -> x.sigmoid();
            case TANH -> x.tanh();
        };
    }

    /** {@code g · act'(x)} written with the activation's output {@code y = act(x)}. */
    Tensor backward(Tensor g, Tensor y) {
        return switch (this) {
            case NONE -> g;
            case RELU -> Tensor.where(y.gt(0), g, g.like(0));      // a select: no mask cast to g's dtype, no product
            case SIGMOID -> g.mul(y.mul(y.neg().add(1)));
            case TANH -> g.mul(y.square().neg().add(1));
        };
    }
}
