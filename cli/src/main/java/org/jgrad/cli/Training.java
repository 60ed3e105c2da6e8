package org.jgrad.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Grad;
import org.jgrad.Rng;
import org.jgrad.Tensor;
import org.jgrad.nn.Layer;
import org.jgrad.nn.data.DataLoader;
import org.jgrad.nn.data.FashionMnist;
import org.jgrad.nn.data.Transform;
import org.jgrad.nn.optim.Adam;
import org.jgrad.nn.optim.AdamW;
import org.jgrad.nn.optim.CosineAnnealingLR;
import org.jgrad.nn.optim.LrScheduler;
import org.jgrad.nn.optim.Optimizer;
import org.jgrad.nn.optim.RMSprop;
import org.jgrad.nn.optim.SGD;

/**
 * One training run: builds the model, optimizer, schedule and data from a {@link RunConfig}, trains epoch by epoch
 * and leaves the run folder complete after each one. Everything random derives from the configuration's seed and
 * the epoch number, so a run resumed after epoch k continues with the numbers an uninterrupted run has.
 */
final class Training {
    private final RunConfig config;
    private final RunDir dir;
    private final boolean resume;
    private final PrintStream out;
    /** Held while an epoch's files are written; the Ctrl-C hook waits for it, so no checkpoint is half-written. */
    private final ReentrantLock saving = new ReentrantLock();
    private volatile int completed;

    Training(RunConfig config, Path dir, boolean resume, PrintStream out) {
        this.config = config;
        this.dir = new RunDir(dir);
        this.resume = resume;
        this.out = out;
    }

    /** Trains to the configured epoch count; returns the run's metrics, one row per epoch. */
    List<Metrics> run() throws Exception {
        System.setProperty("jgrad.threads", Integer.toString(config.threads()));
        Device device = Device.named(config.device());
        Device.setDefault(device);
        FashionMnist data = FashionMnist.load(config.data() == null ? null : Path.of(config.data()));
        Layer model = Models.build(config.model(), new Rng(config.seed())).to(device);
        Optimizer optimizer = optimizer(model.parameters());
        DataLoader trainLoader = trainLoader(data, device);
        LrScheduler schedule = config.schedule().equals("cosine")
                ? new CosineAnnealingLR(optimizer, config.epochs() * trainLoader.batchesPerEpoch()) : null;
        if (resume) {
            completed = dir.loadCheckpoint(model, optimizer, schedule);
            if (completed >= config.epochs())
                throw new IllegalArgumentException(dir.path() + " already holds " + completed + " of " + config.epochs()
                        + " epochs; pass a larger --epochs to continue it");
        } else {
            dir.create(config, model, optimizer, schedule);
        }
        out.printf(Locale.ROOT, "jgrad train: %s (%,d parameters) on %s, %s lr %s%s, batch %d, seed %d%n",
                config.model(), model.parameters().stream().mapToInt(Tensor::numel).sum(), device.name(), config.optimizer(),
                config.lr(), schedule == null ? "" : " (cosine)", config.batchSize(), config.seed());
        out.println("data: " + data.describe() + (data.origin() == FashionMnist.Origin.SAMPLE
                ? " -- the full set is absent: install dataset-fashion-mnist or pass --data DIR for real accuracy" : ""));
        out.println("run folder: " + dir.path() + (resume ? " (resuming after epoch " + completed + ")" : ""));
        Thread hook = new Thread(() -> {
            saving.lock(); // lets an epoch's files finish; the JVM is exiting, so it is never released
            System.err.printf(Locale.ROOT, "%njgrad train: interrupted; %s holds epoch %d of %d. Continue with: ./jgrad train --resume %s%n",
                    dir.path(), completed, config.epochs(), dir.path());
        });
        Runtime.getRuntime().addShutdownHook(hook);
        DataLoader testLoader = testLoader(data, device);
        for (int epoch = completed + 1; epoch <= config.epochs(); epoch++) {
            long t0 = System.nanoTime();
            double lr = optimizer.lr();
            double[] fit = trainEpoch(model, optimizer, schedule, trainLoader, epoch);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double[] test = evaluate(model, testLoader, null);
            Metrics m = new Metrics(epoch, fit[0], fit[1], test[0], test[1], seconds, lr);
            saving.lock();
            try {
                dir.saveEpoch(m, config, model, optimizer, schedule);
                completed = epoch;
            } finally {
                saving.unlock();
            }
            out.println(m.line(config.epochs()));
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        out.println("done: " + dir.path() + " holds metrics.csv, curves.png, model.safetensors, optimizer.safetensors, config.json");
        return new ArrayList<>(dir.rows());
    }

    private Optimizer optimizer(List<Tensor> params) {
        double lr = config.lr(), wd = config.weightDecay(), m = config.momentum();
        return switch (config.optimizer()) {
            case "sgd" -> new SGD(params, lr, m, 0, wd, false);
            case "adam" -> new Adam(params, lr, 0.9, 0.999, 1e-8, wd, false);
            case "adamw" -> new AdamW(params, lr, 0.9, 0.999, 1e-8, wd, false);
            case "rmsprop" -> new RMSprop(params, lr, 0.99, 1e-8, wd, m, false);
            default -> throw new IllegalArgumentException("unknown optimizer " + config.optimizer());
        };
    }

    /** Shuffled training batches, augmented if asked, the last incomplete one dropped. */
    private DataLoader trainLoader(FashionMnist data, Device device) {
        List<Transform> t = new ArrayList<>();
        if (config.augment()) {
            t.add(Transform.randomCrop(2));
            t.add(Transform.horizontalFlip());
        }
        t.add(normalize(data));
        return DataLoader.over(data.train()).batchSize(config.batchSize()).shuffle(config.seed()).dropLast(true)
                .transforms(t.toArray(Transform[]::new)).device(device).build();
    }

    /** The test set in batches of 1000, normalised as the training batches are. */
    static DataLoader testLoader(FashionMnist data, Device device) {
        return DataLoader.over(data.test()).batchSize(1000).transforms(normalize(data)).device(device).build();
    }

    /** Pixels scaled to the training set's mean 0 and standard deviation 1. */
    private static Transform normalize(FashionMnist data) {
        return Transform.normalize(data.train().mean(), data.train().std());
    }

    /** One pass over the training set (epoch is 1-based); returns the mean loss and the accuracy. */
    private double[] trainEpoch(Layer model, Optimizer optimizer, LrScheduler schedule, DataLoader loader, int epoch) {
        model.train();
        // Running sums stay on the device: the display reads them a few times per epoch, not once per step.
        Tensor lossSum = Tensor.zeros(DType.F64), correct = Tensor.zeros(DType.F64);
        int seen = 0;
        try (var batches = loader.epoch(epoch - 1);
                Progress progress = Progress.open(out, epoch, config.epochs(), loader.batchesPerEpoch())) {
            while (batches.hasNext()) {
                DataLoader.Batch b = batches.next();
                optimizer.zeroGrad();
                Tensor logits = model.forward(b.x());
                Tensor loss = Functional.crossEntropy(logits, b.y());
                loss.backward();
                optimizer.step();
                if (schedule != null) schedule.step();
                int n = b.y().numel();
                try (var off = Grad.disabled()) {
                    lossSum.addInPlace(loss.to(DType.F64).mul(n));
                    correct.addInPlace(logits.argmax(1, false).eq(b.y()).to(DType.F64).sum());
                }
                seen += n;
                int s = seen;
                progress.step(s, () -> new double[] {lossSum.item() / s, correct.item() / s});
            }
        }
        return new double[] {lossSum.item() / seen, correct.item() / seen};
    }

    /**
     * Mean loss and accuracy over a loader's batches in evaluation mode; counts predictions per (true, predicted)
     * class into {@code confusion} when it is not null.
     */
    static double[] evaluate(Layer model, DataLoader loader, int[][] confusion) {
        model.eval();
        double lossSum = 0, correct = 0;
        int n = 0;
        try (var off = Grad.disabled(); var batches = loader.epoch(0)) {
            while (batches.hasNext()) {
                DataLoader.Batch b = batches.next();
                Tensor logits = model.forward(b.x());
                Tensor predicted = logits.argmax(1, false);
                lossSum += Functional.crossEntropy(logits, b.y()).item() * b.y().numel();
                correct += predicted.eq(b.y()).to(DType.F64).sum().item();
                n += b.y().numel();
                if (confusion != null) {
                    int[] p = predicted.toIntArray(), y = b.y().toIntArray();
                    for (int i = 0; i < y.length; i++) confusion[y[i]][p[i]]++;
                }
            }
        }
        return new double[] {lossSum / n, correct / n};
    }
}
