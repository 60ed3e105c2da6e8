package org.jgrad.nn;

import org.jgrad.Functional;
import org.jgrad.Reduction;
import org.jgrad.Tensor;

/**
 * A loss as a value, so that a training loop can be handed one: {@code loss.apply(output, target)}. The factories
 * bind the options of the functions in {@link Functional}, which define the losses.
 */
@FunctionalInterface
public interface Loss {
    /** The loss of {@code input} against {@code target}. */
    Tensor apply(Tensor input, Tensor target);

    /** Cross-entropy of logits and I32 class targets, averaged over the samples. */
    static Loss crossEntropy() {
        return crossEntropy(0, -100, Reduction.MEAN);
    }

    /** Cross-entropy with label smoothing ε; samples whose target is {@code ignoreIndex} count for nothing. */
    static Loss crossEntropy(double labelSmoothing, int ignoreIndex, Reduction reduction) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new IllegalArgumentException("Loss.crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        return (x, t) -> Functional.crossEntropy(x, t, labelSmoothing, ignoreIndex, reduction);
    }

    /** Negative log-likelihood of log-probabilities and I32 class targets, averaged. */
    static Loss nll() {
        return nll(-100, Reduction.MEAN);
    }

    static Loss nll(int ignoreIndex, Reduction reduction) {
        return (x, t) -> Functional.nllLoss(x, t, ignoreIndex, reduction);
    }

    /** Squared error, averaged. */
    static Loss mse() {
        return mse(Reduction.MEAN);
    }

    static Loss mse(Reduction reduction) {
        return (x, t) -> Functional.mseLoss(x, t, reduction);
    }

    /** Absolute error, averaged. */
    static Loss l1() {
        return l1(Reduction.MEAN);
    }

    static Loss l1(Reduction reduction) {
        return (x, t) -> Functional.l1Loss(x, t, reduction);
    }

    /** Binary cross-entropy of logits and targets in [0, 1], averaged. */
    static Loss bceWithLogits() {
        return bceWithLogits(Reduction.MEAN);
    }

    static Loss bceWithLogits(Reduction reduction) {
        return (x, t) -> Functional.bceWithLogits(x, t, reduction);
    }
}
