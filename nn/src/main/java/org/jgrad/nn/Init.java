package org.jgrad.nn;

import org.jgrad.DType;
import org.jgrad.Grad;
import org.jgrad.Rng;
import org.jgrad.Tensor;

/**
 * Weight initialisation as {@code torch.nn.init}: each method overwrites a tensor in place (outside the graph) with
 * numbers drawn from an {@link Rng}, so a seed reproduces the same weights on every backend.
 * <p>
 * Layers built without an Rng draw from the <em>default stream</em>, {@link #defaultRng()}: one Rng seeded with
 * {@link #DEFAULT_SEED} when the class loads, which {@link #manualSeed} replaces. {@code new Linear(784, 10)} thus
 * gives the same weights in every process that builds the same layers in the same order. The default stream is not
 * thread-safe: build models on one thread, or pass each an Rng of its own.
 */
public final class Init {
    /** The seed of the default stream until {@link #manualSeed} is called. */
    public static final long DEFAULT_SEED = 0;

    private static Rng defaultRng = new Rng(DEFAULT_SEED);

    /** The nonlinearity that follows a layer, which sets the gain that keeps activations' variance steady. */
    public enum Nonlinearity { LINEAR, SIGMOID, TANH, RELU, LEAKY_RELU, SELU }

    /** Which fan a kaiming initialisation keeps the variance of: the forward pass's (in) or the backward pass's (out). */
    public enum FanMode { FAN_IN, FAN_OUT }

    private Init() {
    }

    /** The Rng that layers constructed without one draw from. */
    public static synchronized Rng defaultRng() {
        return defaultRng;
    }

    /** Restarts the default stream from {@code seed}, as {@code torch.manual_seed} does for layer construction. */
    public static synchronized void manualSeed(long seed) {
        defaultRng = new Rng(seed);
    }

    /**
     * The recommended gain for a nonlinearity, PyTorch's {@code calculate_gain}: 1 for linear and sigmoid, 5/3 for
     * tanh, √2 for relu, {@code √(2 / (1 + slope²))} for leaky relu, 3/4 for selu.
     */
    public static double gain(Nonlinearity nonlinearity, double negativeSlope) {
        return switch (nonlinearity) {
            case LINEAR, SIGMOID -> 1;
            case TANH -> 5.0 / 3;
            case RELU -> Math.sqrt(2);
            case LEAKY_RELU -> Math.sqrt(2 / (1 + negativeSlope * negativeSlope));
            case SELU -> 0.75;
        };
    }

    /**
     * {@code [fanIn, fanOut]} of a weight of rank 2 or more: {@code size(1)} and {@code size(0)} times the size of
     * the receptive field (the product of the dimensions after the first two).
     */
    public static int[] fans(Tensor weight) {
        if (weight.rank() < 2)
            throw new IllegalArgumentException("Init.fans: fan in and fan out need a weight of rank 2 or more, got "
                    + Layer.describe(weight));
        int receptive = weight.numel() == 0 ? 1 : weight.numel() / (weight.size(0) * weight.size(1));
        return new int[] {weight.size(1) * receptive, weight.size(0) * receptive};
    }

    /** Fills {@code t} with draws from U(lo, hi); returns t. */
    public static Tensor uniform(Tensor t, double lo, double hi, Rng rng) {
        if (!(lo <= hi)) throw new IllegalArgumentException("Init.uniform: needs lo <= hi, got " + lo + ", " + hi);
        try (var off = Grad.disabled()) {
            return t.copyFrom(Tensor.rand(rng, floating(t), t.shape()).mul(hi - lo).add(lo).to(t.device()));
        }
    }

    /** Fills {@code t} with draws from N(mean, std²); returns t. */
    public static Tensor normal(Tensor t, double mean, double std, Rng rng) {
        if (!(std >= 0)) throw new IllegalArgumentException("Init.normal: needs std >= 0, got " + std);
        try (var off = Grad.disabled()) {
            return t.copyFrom(Tensor.randn(rng, floating(t), t.shape()).mul(std).add(mean).to(t.device()));
        }
    }

    /** Fills {@code t} with {@code value}; returns t. */
    public static Tensor constant(Tensor t, double value) {
        try (var off = Grad.disabled()) {
            return t.fill(value);
        }
    }

    /**
     * He et al.'s uniform initialisation: U(−b, b) with {@code b = gain · √(3 / fan)}, the gain of
     * {@code nonlinearity} with {@code negativeSlope}, the fan chosen by {@code mode}.
     */
    public static Tensor kaimingUniform(Tensor t, double negativeSlope, FanMode mode, Nonlinearity nonlinearity, Rng rng) {
        double bound = Math.sqrt(3) * kaimingStd(t, negativeSlope, mode, nonlinearity);
        return uniform(t, -bound, bound, rng);
    }

    /** He et al.'s normal initialisation: N(0, std²) with {@code std = gain / √fan}. */
    public static Tensor kaimingNormal(Tensor t, double negativeSlope, FanMode mode, Nonlinearity nonlinearity, Rng rng) {
        return normal(t, 0, kaimingStd(t, negativeSlope, mode, nonlinearity), rng);
    }

    private static double kaimingStd(Tensor t, double negativeSlope, FanMode mode, Nonlinearity nonlinearity) {
        int[] fans = fans(t);
        int fan = mode == FanMode.FAN_IN ? fans[0] : fans[1];
        return fan == 0 ? 0 : gain(nonlinearity, negativeSlope) / Math.sqrt(fan);    // a zero fan means no elements
    }

    /** Glorot and Bengio's uniform initialisation: U(−b, b) with {@code b = gain · √(6 / (fanIn + fanOut))}. */
    public static Tensor xavierUniform(Tensor t, double gain, Rng rng) {
        double bound = Math.sqrt(3) * xavierStd(t, gain);
        return uniform(t, -bound, bound, rng);
    }

    /** Glorot and Bengio's normal initialisation: N(0, std²) with {@code std = gain · √(2 / (fanIn + fanOut))}. */
    public static Tensor xavierNormal(Tensor t, double gain, Rng rng) {
        return normal(t, 0, xavierStd(t, gain), rng);
    }

    private static double xavierStd(Tensor t, double gain) {
        int[] fans = fans(t);
        return fans[0] + fans[1] == 0 ? 0 : gain * Math.sqrt(2.0 / (fans[0] + fans[1]));    // zero fans: no elements
    }

    /**
     * PyTorch's default for Linear and Conv2d ({@code reset_parameters}): the weight kaiming-uniform with slope √5,
     * which is U(−1/√fanIn, 1/√fanIn), then the bias (if any) from the same range.
     */
    static void defaultLinear(Tensor weight, Tensor bias, Rng rng) {
        kaimingUniform(weight, Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, rng);
        if (bias == null) return;
        int fanIn = fans(weight)[0];
        double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
        uniform(bias, -bound, bound, rng);
    }

    private static DType floating(Tensor t) {
        if (!t.dtype().isFloating())
            throw new IllegalArgumentException("Init: can only fill floating-point tensors, got " + Layer.describe(t));
        return t.dtype();
    }
}
