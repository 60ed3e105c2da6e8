package org.jgrad.nn;

import java.util.Arrays;
import org.jgrad.Functional;
import org.jgrad.Tensor;

/** The maximum over each {@code kernel} window of {@code [N, C, H, W]}; padding never wins, as if it were −∞. */
public final class MaxPool2d extends Layer {
    private final int[] kernel, stride, padding;

    /** Square windows that tile the input: stride = kernel, no padding. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
    }

    /** Kernel, stride and padding as {@code {h, w}}; padding at most half the kernel. */
    public MaxPool2d(int[] kernel, int[] stride, int[] padding) {
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.maxPool2d(x, kernel, stride, padding);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding="
                + Arrays.toString(padding);
    }
}
