package org.jgrad.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.jgrad.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./jgrad train}: the main job. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model on Fashion-MNIST and write a run folder: metrics.csv, curves.png, model.safetensors,",
                "optimizer.safetensors and config.json, complete after every epoch (Ctrl-C keeps the last one; --resume continues it)."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "convnet", description = "convnet or mlp (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--epochs", defaultValue = "5", description = "epochs in all (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "training batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", defaultValue = "1e-3", description = "learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, adam, adamw or rmsprop (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--momentum", defaultValue = "0.9", description = "momentum of sgd and rmsprop (default: ${DEFAULT-VALUE})")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--schedule", defaultValue = "none", description = "none or cosine (annealed per step to 0 at the last epoch; default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--augment", description = "random crop (padding 2) and horizontal flip of training images")
    boolean augment;

    @Option(names = "--device", description = "cpu, opencl or reference (default: the best available)")
    String device;

    @Option(names = "--threads", description = "worker threads of the CPU backend (default: all cores)")
    Integer threads;

    @Option(names = "--seed", defaultValue = "1", description = "seed of initialisation, shuffling and augmentation (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist, else the built-in sample)")
    Path data;

    @Option(names = "--out", paramLabel = "RUN_DIR", description = "run folder to create (default: runs/MODEL-TIMESTAMP)")
    Path out;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue RUN_DIR from its last completed epoch with its configuration (--epochs may extend it)")
    Path resume;

    @Override
    public Integer call() throws Exception {
        if (resume != null) {
            RunConfig config = RunDir.readConfig(resume);
            if (spec.commandLine().getParseResult().hasMatchedOption("--epochs")) config = config.withEpochs(epochs);
            new Training(config, resume, true, System.out).run();
        } else {
            RunConfig config = new RunConfig(model, epochs, batchSize, lr, optimizer, momentum, weightDecay, schedule, augment,
                    device == null ? Device.best().name() : device,
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads, seed,
                    data == null ? null : data.toString()).validate();
            Path dir = out != null ? out
                    : Path.of("runs", model + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            new Training(config, dir, false, System.out).run();
        }
        return 0;
    }
}
