package org.jgrad.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jgrad.DType;
import org.jgrad.Device;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    private static final int H = 6, W = 5;

    /** {@code n} random images of H×W with labels {@code i % 10}. */
    private static LabeledImages images(int n) {
        SplittableRandom r = new SplittableRandom(n);
        byte[] pixels = new byte[n * H * W];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) r.nextInt(256);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 10;
        return new LabeledImages(pixels, labels, H, W, 10);
    }

    /** Every batch of one epoch, flattened: indices, then x values, then y values. */
    private static List<float[]> epoch(DataLoader loader, int e) {
        List<float[]> out = new ArrayList<>();
        try (var it = loader.epoch(e)) {
            while (it.hasNext()) {
                var b = it.next();
                out.add(toFloats(b.indices()));
                out.add(b.x().toFloatArray());
                out.add(toFloats(b.y().toIntArray()));
            }
        }
        return out;
    }

    private static float[] toFloats(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return f;
    }

    private static DataLoader.Builder augmenting(LabeledImages data, long seed) {
        return DataLoader.over(data).batchSize(8).shuffle(seed)
                .transforms(Transform.randomCrop(2), Transform.horizontalFlip(), Transform.normalize(0.3, 0.4));
    }

    private static void assertSameEpochs(List<float[]> a, List<float[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), "part " + i);
    }

    @Test
    void theSameSeedGivesTheSameBatchesWithOrWithoutPrefetch() {
        LabeledImages data = images(37);
        for (int e = 0; e < 2; e++) {
            List<float[]> a = epoch(augmenting(data, 7).build(), e), b = epoch(augmenting(data, 7).build(), e);
            assertSameEpochs(a, b);
            assertSameEpochs(a, epoch(augmenting(data, 7).prefetch(false).build(), e));
        }
    }

    @Test
    void epochsAndSeedsShuffleDifferently() {
        DataLoader a = DataLoader.over(images(50)).shuffle(1).build(), b = DataLoader.over(images(50)).shuffle(2).build();
        assertFalse(Arrays.equals(a.order(0), a.order(1)));
        assertFalse(Arrays.equals(a.order(0), b.order(0)));
        int[] identity = DataLoader.over(images(50)).build().order(3);
        for (int i = 0; i < identity.length; i++) assertEquals(i, identity[i]);
    }

    @Test
    void everyImageAppearsOnceAnEpochWithItsLabelAndScaledPixels() {
        LabeledImages data = images(37);
        DataLoader loader = DataLoader.over(data).batchSize(8).shuffle(3).build();
        assertEquals(5, loader.batchesPerEpoch());
        int[] seen = new int[37];
        int batches = 0;
        try (var it = loader.epoch(0)) {
            while (it.hasNext()) {
                var b = it.next();
                int k = b.indices().length;
                assertEquals(batches < 4 ? 8 : 5, k);
                assertArrayEquals(new int[] {k, 1, H, W}, b.x().shape());
                assertEquals(DType.F32, b.x().dtype());
                assertEquals(DType.I32, b.y().dtype());
                float[] x = b.x().toFloatArray();
                int[] y = b.y().toIntArray();
                for (int j = 0; j < k; j++) {
                    int i = b.indices()[j];
                    seen[i]++;
                    assertEquals(data.labels()[i], y[j]);
                    for (int p = 0; p < H * W; p++)
                        assertEquals((data.pixels()[i * H * W + p] & 0xff) / 255f, x[j * H * W + p]);
                }
                batches++;
            }
        }
        assertEquals(5, batches);
        int[] once = new int[37];
        Arrays.fill(once, 1);
        assertArrayEquals(once, seen);
    }

    @Test
    void dropLastDropsOnlyTheShortFinalBatch() {
        DataLoader loader = DataLoader.over(images(10)).batchSize(4).shuffle(5).dropLast(true).build();
        assertEquals(2, loader.batchesPerEpoch());
        assertEquals(8, loader.samplesPerEpoch());
        List<Integer> seen = new ArrayList<>();
        try (var it = loader.epoch(0)) {
            while (it.hasNext()) for (int i : it.next().indices()) seen.add(i);
        }
        assertEquals(8, seen.size());
        assertEquals(8, seen.stream().distinct().count());
        assertEquals(0, DataLoader.over(images(3)).batchSize(4).dropLast(true).build().batchesPerEpoch());
    }

    @Test
    void augmentedImagesAreShiftedByAtMostThePaddingAndMaybeMirrored() {
        LabeledImages data = images(40);
        int pad = 2, flipped = 0, shifted = 0;
        DataLoader loader = DataLoader.over(data).batchSize(40).shuffle(9)
                .transforms(Transform.randomCrop(pad), Transform.horizontalFlip()).build();
        try (var it = loader.epoch(0)) {
            var b = it.next();
            float[] x = b.x().toFloatArray();
            for (int j = 0; j < 40; j++) {
                float[] out = Arrays.copyOfRange(x, j * H * W, (j + 1) * H * W);
                int i = b.indices()[j];
                String match = null;
                for (int dy = -pad; dy <= pad && match == null; dy++)
                    for (int dx = -pad; dx <= pad && match == null; dx++)
                        for (boolean mirror : new boolean[] {false, true})
                            if (Arrays.equals(out, expected(data, i, dy, dx, mirror))) match = dy + "," + dx + "," + mirror;
                if (match == null) fail("image " + j + " (data " + i + ") is no shift within ±" + pad + " of its source");
                if (match.endsWith("true")) flipped++;
                if (!match.startsWith("0,0,")) shifted++;
            }
        }
        assertTrue(flipped > 5 && flipped < 35, flipped + " of 40 flipped");
        assertTrue(shifted > 20, shifted + " of 40 shifted");
    }

    /** Source image i shifted by (dy, dx) with zero fill, then mirrored if asked. */
    private static float[] expected(LabeledImages d, int i, int dy, int dx, boolean mirror) {
        float[] e = new float[H * W];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                int sy = y + dy, sx = (mirror ? W - 1 - x : x) + dx;
                e[y * W + x] = sy >= 0 && sy < H && sx >= 0 && sx < W ? (d.pixels()[i * H * W + sy * W + sx] & 0xff) / 255f : 0;
            }
        return e;
    }

    @Test
    void normalizeMapsEachPixelToItsStandardScore() {
        LabeledImages data = images(4);
        try (var it = DataLoader.over(data).transforms(Transform.normalize(0.25, 0.5)).build().epoch(0)) {
            float[] x = it.next().x().toFloatArray();
            for (int p = 0; p < x.length; p++)
                assertEquals(((data.pixels()[p] & 0xff) / 255f - 0.25f) * 2f, x[p], 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> Transform.normalize(0, 0));
    }

    @Test
    void aFailureWhilePreparingABatchReachesTheCallerAfterTheBatchesBeforeIt() {
        RuntimeException boom = new IllegalArgumentException("boom");
        for (boolean prefetch : new boolean[] {true, false}) {
            int[] calls = {0};
            DataLoader loader = DataLoader.over(images(20)).batchSize(4).prefetch(prefetch).transforms((img, off, h, w, r) -> {
                if (++calls[0] == 9) throw boom; // the first image of batch 2
            }).build();
            try (var it = loader.epoch(0)) {
                it.next();
                it.next();
                var e = assertThrows(IllegalStateException.class, it::next);
                assertSame(boom, e.getCause());
                assertTrue(e.getMessage().contains("batch 2 of epoch 0"), e.getMessage());
                assertFalse(it.hasNext());
            }
        }
    }

    @Test
    void closingAnEpochStopsItsPrefetchThread() throws InterruptedException {
        DataLoader loader = DataLoader.over(images(200)).batchSize(2).build();
        var it = loader.epoch(41);
        it.next();
        it.close();
        assertFalse(it.hasNext());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("jgrad-data-loader-epoch-41"))) {
            if (System.nanoTime() > deadline) fail("prefetch thread still running 5 s after close()");
            Thread.sleep(10);
        }
    }

    @Test
    void batchesLandOnTheRequestedDevice() {
        try (var it = DataLoader.over(images(3)).device(Device.reference()).build().epoch(0)) {
            var b = it.next();
            assertEquals("reference", b.x().device().name());
            assertEquals("reference", b.y().device().name());
        }
    }
}
