package org.jgrad.nn.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * An in-place change of one single-channel image, {@code height × width} floats from {@code offset} in
 * {@code image}, drawing any randomness from {@code random}: a source seeded per image, epoch and loader seed,
 * so that a run is reproducible whichever thread prepares the batch. Pixels arrive scaled to [0, 1].
 */
@FunctionalInterface
public interface Transform {
    void apply(float[] image, int offset, int height, int width, RandomGenerator random);

    /** {@code x ↦ (x − mean) / std}. */
    static Transform normalize(double mean, double std) {
        if (!(std > 0) || !Double.isFinite(std) || !Double.isFinite(mean))
            throw new IllegalArgumentException("normalize: needs a finite mean and a positive std, got " + mean + ", " + std);
        float m = (float) mean, s = (float) (1 / std);
        return (image, offset, height, width, random) -> {
            for (int i = offset; i < offset + height * width; i++) image[i] = (image[i] - m) * s;
        };
    }

    /**
     * torchvision's {@code RandomCrop(size, padding)} at the image's own size: pads each side with {@code padding}
     * zeros, then cuts a window at a uniform offset, which shifts the image by up to {@code padding} pixels each way.
     */
    static Transform randomCrop(int padding) {
        if (padding < 0) throw new IllegalArgumentException("randomCrop: negative padding " + padding);
        return (image, offset, height, width, random) -> {
            int dy = random.nextInt(2 * padding + 1) - padding, dx = random.nextInt(2 * padding + 1) - padding;
            if (dy == 0 && dx == 0) return;
            float[] src = Arrays.copyOfRange(image, offset, offset + height * width);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++) {
                    int sy = y + dy, sx = x + dx;
                    image[offset + y * width + x] = sy >= 0 && sy < height && sx >= 0 && sx < width ? src[sy * width + sx] : 0;
                }
        };
    }

    /** Mirrors the image left to right with probability 1/2. */
    static Transform horizontalFlip() {
        return (image, offset, height, width, random) -> {
            if (!random.nextBoolean()) return;
            for (int y = 0; y < height; y++)
                for (int a = offset + y * width, b = a + width - 1; a < b; a++, b--) {
                    float t = image[a];
                    image[a] = image[b];
                    image[b] = t;
                }
        };
    }
}
