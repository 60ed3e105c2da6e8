package org.jgrad.nn;

import java.util.Arrays;
import org.jgrad.Functional;
import org.jgrad.Rng;
import org.jgrad.Tensor;

/**
 * 2-d convolution (cross-correlation) of {@code [N, C, H, W]}, weight {@code [out, in/groups, KH, KW]}, bias
 * {@code [out]}; stride, padding (zeros) and dilation are {@code {h, w}}.
 */
public final class Conv2d extends Layer {
    private final int in, out, groups;
    private final int[] kernel, stride, padding, dilation;

    /** Square kernel, stride 1, no padding, with bias, from the default stream. */
    public Conv2d(int in, int out, int kernel) {
        this(in, out, kernel, 1, 0, Init.defaultRng());
    }

    /** Square kernel, stride 1, no padding, with bias, from {@code rng}. */
    public Conv2d(int in, int out, int kernel, Rng rng) {
        this(in, out, kernel, 1, 0, rng);
    }

    /** Square kernel, equal stride and padding in both directions, with bias. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, Rng rng) {
        this(in, out, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {1, 1}, 1, true, rng);
    }

    /**
     * The full form; {@code in} and {@code out} must be multiples of {@code groups}. Initialised as PyTorch's
     * default ({@link Init}) from {@code rng}.
     */
    public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias,
            Rng rng) {
        for (int[] a : new int[][] {kernel, stride, padding, dilation})
            if (a.length != 2) throw new IllegalArgumentException("Conv2d: kernel, stride, padding and dilation take {h, w}, got " + Arrays.toString(a));
        if (in <= 0 || out <= 0 || groups <= 0 || in % groups != 0 || out % groups != 0)
            throw new IllegalArgumentException("Conv2d: " + groups + " groups must divide " + in + " input and " + out
                    + " output channels (all positive)");
        if (kernel[0] <= 0 || kernel[1] <= 0 || stride[0] <= 0 || stride[1] <= 0 || dilation[0] <= 0 || dilation[1] <= 0
                || padding[0] < 0 || padding[1] < 0)
            throw new IllegalArgumentException("Conv2d: kernel " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride)
                    + " and dilation " + Arrays.toString(dilation) + " must be positive, padding " + Arrays.toString(padding)
                    + " non-negative");
        this.in = in;
        this.out = out;
        this.groups = groups;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        Tensor w = registerParameter("weight", Tensor.zeros(out, in / groups, kernel[0], kernel[1]));
        Tensor b = bias ? registerParameter("bias", Tensor.zeros(out)) : null;
        Init.defaultLinear(w, b, rng);
    }

    public Tensor weight() {
        return param("weight");
    }

    /** The bias, or null when built without one. */
    public Tensor bias() {
        return param("bias");
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.conv2d(x, weight(), bias(), stride, padding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        return in + ", " + out + ", kernel_size=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                + ", padding=" + Arrays.toString(padding) + ", dilation=" + Arrays.toString(dilation)
                + ", groups=" + groups + ", bias=" + (bias() != null);
    }
}
