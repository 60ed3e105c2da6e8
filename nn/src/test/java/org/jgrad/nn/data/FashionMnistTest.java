package org.jgrad.nn.data;

import static org.jgrad.nn.data.IdxTest.gzip;
import static org.jgrad.nn.data.IdxTest.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    /** Writes a split of {@code n} 28×28 images whose pixels are their index, with the given labels. */
    private static void writeSplit(Path dir, String split, int n, byte[] labels, boolean gz) throws IOException {
        byte[] pixels = new byte[n * 784];
        for (int i = 0; i < n; i++) Arrays.fill(pixels, i * 784, (i + 1) * 784, (byte) i);
        byte[] images = idx(0x08, new int[] {n, 28, 28}, pixels), lab = idx(0x08, new int[] {labels.length}, labels);
        String z = gz ? ".gz" : "";
        Files.write(dir.resolve(split + "-images-idx3-ubyte" + z), gz ? gzip(images) : images);
        Files.write(dir.resolve(split + "-labels-idx1-ubyte" + z), gz ? gzip(lab) : lab);
    }

    @Test
    void theBuiltInSampleHas200TrainAnd50TestImagesPerClassAndSaysSo() throws IOException {
        FashionMnist d = FashionMnist.sample();
        assertEquals(FashionMnist.Origin.SAMPLE, d.origin());
        assertEquals("the built-in sample (2000/500 images)", d.describe());
        int[] train = new int[10], test = new int[10];
        Arrays.fill(train, 200);
        Arrays.fill(test, 50);
        assertArrayEquals(train, d.train().classCounts());
        assertArrayEquals(test, d.test().classCounts());
    }

    @Test
    void theSampleIsTheFirstImagesOfEachClassOfTheInstalledDataset() throws IOException {
        if (!Files.isDirectory(FashionMnist.SYSTEM_DIR)) {
            // .ci/run installs the package: there the check must run, not vanish into a skip
            if ("true".equals(System.getenv("CI"))) fail("CI=true but dataset-fashion-mnist is not installed");
            Assumptions.abort("dataset-fashion-mnist is not installed");
        }
        FashionMnist full = FashionMnist.load(null), sample = FashionMnist.sample();
        assertEquals(FashionMnist.Origin.SYSTEM, full.origin());
        assertEquals(FashionMnist.SYSTEM_DIR + " (60000/10000 images)", full.describe());
        checkSubset(full.train(), sample.train(), 200);
        checkSubset(full.test(), sample.test(), 50);
    }

    private static void checkSubset(LabeledImages full, LabeledImages sample, int perClass) {
        int[] taken = new int[10];
        int j = 0;
        for (int i = 0; i < full.size() && j < sample.size(); i++) {
            int c = full.labels()[i];
            if (taken[c] == perClass) continue;
            taken[c]++;
            assertEquals(c, sample.labels()[j], "label of sample image " + j);
            assertArrayEquals(Arrays.copyOfRange(full.pixels(), i * 784, (i + 1) * 784),
                    Arrays.copyOfRange(sample.pixels(), j * 784, (j + 1) * 784), "pixels of sample image " + j);
            j++;
        }
        assertEquals(sample.size(), j);
    }

    @Test
    void aGivenFolderIsReadGzippedOrPlainAndStatisticsAreOverItsPixels(@TempDir Path dir) throws IOException {
        writeSplit(dir, "train", 3, new byte[] {0, 9, 4}, true);
        writeSplit(dir, "t10k", 2, new byte[] {1, 1}, false);
        FashionMnist d = FashionMnist.load(dir);
        assertEquals(FashionMnist.Origin.GIVEN, d.origin());
        assertEquals(dir + " (3/2 images)", d.describe());
        assertArrayEquals(new int[] {0, 9, 4}, d.train().labels());
        assertEquals(1, d.train().pixels()[784] & 0xff);
        assertEquals(1 / 255.0, d.train().mean(), 1e-12); // pixels 0, 1, 2 in equal numbers
        assertEquals(Math.sqrt(2.0 / 3) / 255, d.train().std(), 1e-12);
    }

    @Test
    void aMissingFolderOrFileIsNamed(@TempDir Path dir) throws IOException {
        var e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("not found"), e.getMessage());
        writeSplit(dir, "train", 1, new byte[] {0}, true);
        var f = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir));
        assertTrue(f.getMessage().contains("t10k-images-idx3-ubyte.gz"), f.getMessage());
    }

    @Test
    void imageAndLabelCountsMustMatch(@TempDir Path dir) throws IOException {
        writeSplit(dir, "train", 3, new byte[] {0, 1}, true);
        writeSplit(dir, "t10k", 1, new byte[] {0}, true);
        var e = assertThrows(IdxException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("2 labels for 3 images"), e.getMessage());
    }

    @Test
    void labelsOutside0To9AreRejected(@TempDir Path dir) throws IOException {
        writeSplit(dir, "train", 2, new byte[] {3, 10}, true);
        writeSplit(dir, "t10k", 1, new byte[] {0}, true);
        var e = assertThrows(IdxException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte: label 10 of image 1 is outside 0..9"), e.getMessage());
    }

    @Test
    void imagesThatAreNot28By28AreRejected(@TempDir Path dir) throws IOException {
        writeSplit(dir, "t10k", 1, new byte[] {0}, true);
        writeSplit(dir, "train", 1, new byte[] {0}, true);
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idx(0x08, new int[] {1, 27, 29}, new byte[27 * 29])));
        var e = assertThrows(IdxException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("expected u8 images [n, 28, 28], found U8 [1, 27, 29]"), e.getMessage());
    }
}
