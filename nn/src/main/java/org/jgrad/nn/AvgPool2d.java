package org.jgrad.nn;

import java.util.Arrays;
import org.jgrad.Functional;
import org.jgrad.Tensor;

/** The mean over each {@code kernel} window of {@code [N, C, H, W]}. */
public final class AvgPool2d extends Layer {
    private final int[] kernel, stride, padding;
    private final boolean countIncludePad;

    /** Square windows that tile the input: stride = kernel, no padding. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /** Padded zeros count in the divisor, PyTorch's default. */
    public AvgPool2d(int kernel, int stride, int padding) {
        this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding}, true);
    }

    /**
     * Kernel, stride and padding as {@code {h, w}}; padding at most half the kernel. {@code countIncludePad} says
     * whether padded zeros count in the divisor.
     */
    public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.countIncludePad = countIncludePad;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.avgPool2d(x, kernel, stride, padding, countIncludePad);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding="
                + Arrays.toString(padding) + ", count_include_pad=" + countIncludePad;
    }
}
