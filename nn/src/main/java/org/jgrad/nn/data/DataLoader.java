package org.jgrad.nn.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jgrad.Device;
import org.jgrad.Tensor;

/**
 * Batches of {@link LabeledImages} for training: each epoch visits every image once, in an order shuffled from
 * (seed, epoch), so the same seed gives the same batches in every run; the last short batch is kept or dropped.
 * Each image is scaled to [0, 1] and passed through the transforms in order, with randomness seeded by (seed,
 * epoch, position), so results never depend on thread timing. With prefetch on (the default) a daemon thread
 * prepares the next batch while the caller trains on the current one; its failures reach the caller.
 */
public final class DataLoader {
    /** One batch: images {@code x} F32 {@code [B, 1, H, W]}, labels {@code y} I32 {@code [B]}, and which images they are. */
    public record Batch(Tensor x, Tensor y, int[] indices) {
    }

    private final LabeledImages data;
    private final int batchSize;
    private final Long seed;
    private final boolean dropLast;
    private final List<Transform> transforms;
    private final Device device;
    private final boolean prefetch;

    private DataLoader(Builder b) {
        data = b.data;
        batchSize = b.batchSize;
        seed = b.seed;
        dropLast = b.dropLast;
        transforms = List.copyOf(b.transforms);
        device = b.device;
        prefetch = b.prefetch;
    }

    /** A loader over {@code data}: batch size 64, no shuffling, last batch kept, no transforms, prefetching. */
    public static Builder over(LabeledImages data) {
        return new Builder(data);
    }

    /** Settings for a {@link DataLoader}. */
    public static final class Builder {
        private final LabeledImages data;
        private int batchSize = 64;
        private Long seed;
        private boolean dropLast;
        private final List<Transform> transforms = new ArrayList<>();
        private Device device;
        private boolean prefetch = true;

        private Builder(LabeledImages data) {
            this.data = data;
        }

        public Builder batchSize(int n) {
            if (n <= 0) throw new IllegalArgumentException("data loader: batch size must be positive, got " + n);
            batchSize = n;
            return this;
        }

        /** Shuffle each epoch with a permutation drawn from (seed, epoch); also seeds the transforms. */
        public Builder shuffle(long seed) {
            this.seed = seed;
            return this;
        }

        /** Drop the last batch of an epoch when it is shorter than the batch size. */
        public Builder dropLast(boolean on) {
            dropLast = on;
            return this;
        }

        /** Appends transforms, applied in order to each image scaled to [0, 1]. */
        public Builder transforms(Transform... t) {
            transforms.addAll(Arrays.asList(t));
            return this;
        }

        /** Where batches are put; the default device when not set. */
        public Builder device(Device d) {
            device = d;
            return this;
        }

        public Builder prefetch(boolean on) {
            prefetch = on;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }

    /** Batches per epoch. */
    public int batchesPerEpoch() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Images per epoch (fewer than the data set's when the last batch is dropped). */
    public int samplesPerEpoch() {
        return Math.min(data.size(), batchesPerEpoch() * batchSize);
    }

    /** The batches of epoch {@code epoch} (0-based); close it to stop its prefetch thread early. */
    public Epoch epoch(int epoch) {
        return new Epoch(epoch);
    }

    /** Image indices in the order epoch {@code epoch} visits them. */
    int[] order(int epoch) {
        int[] p = new int[data.size()];
        for (int i = 0; i < p.length; i++) p[i] = i;
        if (seed == null) return p;
        SplittableRandom r = new SplittableRandom(mix(seed, epoch));
        for (int i = p.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The host arrays of one batch (pixels scaled and transformed); the expensive part, run off the caller's thread. */
    private Prepared prepare(int epoch, int[] order, int batch) {
        int from = batch * batchSize, k = Math.min(batchSize, order.length - from), hw = data.height() * data.width();
        int[] indices = Arrays.copyOfRange(order, from, from + k);
        float[] x = new float[k * hw];
        int[] y = new int[k];
        byte[] pixels = data.pixels();
        long epochSeed = mix(seed == null ? 0 : seed, epoch);
        for (int j = 0; j < k; j++) {
            int src = indices[j] * hw, dst = j * hw;
            for (int i = 0; i < hw; i++) x[dst + i] = (pixels[src + i] & 0xff) / 255f;
            SplittableRandom random = new SplittableRandom(mix(epochSeed, from + j));
            for (Transform t : transforms) t.apply(x, dst, data.height(), data.width(), random);
            y[j] = data.labels()[indices[j]];
        }
        return new Prepared(x, y, indices);
    }

    private record Prepared(float[] x, int[] y, int[] indices) {
    }

    private record Failed(int batch, Throwable error) {
    }

    /**
     * One pass over the data. Tensors are made on the caller's thread: only host arrays cross threads, so no
     * backend is ever called from two threads at once.
     */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final int batches = batchesPerEpoch();
        private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(1);
        private final Thread producer;
        private int next;
        private boolean failed;

        private Epoch(int epoch) {
            this.epoch = epoch;
            this.order = order(epoch);
            producer = prefetch && batches > 0
                    ? Thread.ofPlatform().daemon().name("jgrad-data-loader-epoch-" + epoch).start(this::produce) : null;
        }

        private void produce() {
            for (int b = 0; b < batches; b++) {
                Object item;
                try {
                    item = prepare(epoch, order, b);
                } catch (RuntimeException | Error t) {
                    item = new Failed(b, t);
                }
                try {
                    ready.put(item);
                } catch (InterruptedException e) {
                    return; // closed
                }
                if (item instanceof Failed) return;
            }
        }

        @Override
        public boolean hasNext() {
            return !failed && next < batches;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("data loader: epoch " + epoch + " has " + batches + " batches");
            Object item;
            if (producer == null) {
                try {
                    item = prepare(epoch, order, next);
                } catch (RuntimeException | Error t) {
                    item = new Failed(next, t);
                }
            } else {
                try {
                    item = ready.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("data loader: interrupted waiting for batch " + next + " of epoch " + epoch, e);
                }
            }
            if (item instanceof Failed f) {
                failed = true;
                throw new IllegalStateException("data loader: preparing batch " + f.batch + " of epoch " + epoch + " failed: "
                        + f.error, f.error);
            }
            next++;
            Prepared p = (Prepared) item;
            int k = p.y.length;
            Tensor x = Tensor.of(p.x, k, 1, data.height(), data.width()), y = Tensor.of(p.y, k);
            return new Batch(device == null ? x : x.to(device), device == null ? y : y.to(device), p.indices);
        }

        /** Stops the prefetch thread; the epoch yields no more batches. */
        @Override
        public void close() {
            next = batches;
            if (producer != null) producer.interrupt();
        }
    }

    /** Two 64-bit values hashed into one seed (SplitMix64's finaliser on a golden-ratio combination). */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
