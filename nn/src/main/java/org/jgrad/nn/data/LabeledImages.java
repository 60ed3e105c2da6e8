package org.jgrad.nn.data;

import java.util.Arrays;

/**
 * Single-channel images with integer labels, as the data loader consumes them: {@code pixels} holds
 * {@code size() × height × width} unsigned bytes (0 = black, 255 = white) in row-major order, {@code labels} one
 * class in {@code [0, classes)} per image. The arrays are shared, not copied: nothing may modify them.
 */
public record LabeledImages(byte[] pixels, int[] labels, int height, int width, int classes) {
    public LabeledImages {
        if (height <= 0 || width <= 0 || classes <= 0)
            throw new IllegalArgumentException("images: height " + height + ", width " + width + " and classes " + classes
                    + " must be positive");
        if ((long) labels.length * height * width != pixels.length)
            throw new IllegalArgumentException("images: " + pixels.length + " pixels do not make " + labels.length
                    + " images of " + height + "×" + width);
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= classes)
                throw new IllegalArgumentException("images: label " + labels[i] + " of image " + i + " is outside 0.."
                        + (classes - 1));
    }

    /** The number of images. */
    public int size() {
        return labels.length;
    }

    /** The mean pixel value, with pixels scaled to [0, 1]. */
    public double mean() {
        long sum = 0;
        for (byte p : pixels) sum += p & 0xff;
        return sum / 255.0 / pixels.length;
    }

    /** The population standard deviation of the pixel values scaled to [0, 1] (as torchvision's recipes compute it). */
    public double std() {
        long[] histogram = new long[256];
        for (byte p : pixels) histogram[p & 0xff]++;
        double m = mean() * 255, ss = 0;
        for (int v = 0; v < 256; v++) ss += histogram[v] * (v - m) * (v - m);
        return Math.sqrt(ss / pixels.length) / 255;
    }

    /** How many images each class has. */
    public int[] classCounts() {
        int[] c = new int[classes];
        for (int l : labels) c[l]++;
        return c;
    }

    @Override
    public String toString() {
        return "LabeledImages[" + size() + " × " + height + "×" + width + ", " + classes + " classes, per class "
                + Arrays.toString(classCounts()) + "]";
    }
}
