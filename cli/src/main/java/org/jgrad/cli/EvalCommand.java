package org.jgrad.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jgrad.Device;
import org.jgrad.Rng;
import org.jgrad.nn.Layer;
import org.jgrad.nn.data.FashionMnist;
import org.jgrad.nn.io.Checkpoint;
import org.jgrad.nn.io.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./jgrad eval}: test accuracy and confusion matrix of a run folder's model, or of one checkpoint file. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a trained model on the Fashion-MNIST test set: accuracy and the confusion matrix.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN_DIR_OR_CHECKPOINT", description = "a run folder of ./jgrad train, or its model.safetensors")
    Path target;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist, else the built-in sample)")
    Path data;

    @Option(names = "--device", description = "cpu, opencl or reference (default: the best available)")
    String device;

    @Override
    public Integer call() throws Exception {
        Path file = Files.isDirectory(target) ? target.resolve(RunDir.MODEL) : target;
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + " does not exist");
        Device dev = device == null ? Device.best() : Device.named(device);
        Device.setDefault(dev);
        Checkpoint checkpoint = SafeTensors.load(file);
        RunConfig config = RunConfig.fromMetadata(checkpoint.metadata(), file.toString());
        Layer model = Models.build(config.model(), new Rng(config.seed())).to(dev);
        model.loadStateDict(checkpoint.tensors());
        FashionMnist fm = FashionMnist.load(data);
        int[][] confusion = new int[FashionMnist.CLASSES.size()][FashionMnist.CLASSES.size()];
        double[] r = Training.evaluate(model, Training.testLoader(fm, dev), confusion);
        System.out.printf(Locale.ROOT, "%s: %s after epoch %s, on %s%ntest loss %.4f  test accuracy %.2f%%%n%n", file,
                config.model(), checkpoint.metadata().get("epoch"), fm.describe(), r[0], 100 * r[1]);
        System.out.print(confusionTable(confusion));
        return 0;
    }

    /** Rows: the true class; columns: the predicted class, by label; last column: the class's recall. */
    static String confusionTable(int[][] m) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-15s", "true \\ predicted"));
        for (int j = 0; j < m.length; j++) sb.append(String.format(Locale.ROOT, "%6d", j));
        sb.append("   recall\n");
        for (int i = 0; i < m.length; i++) {
            sb.append(String.format(Locale.ROOT, "%d %-13s", i, FashionMnist.CLASSES.get(i)));
            int row = 0;
            for (int j = 0; j < m.length; j++) {
                sb.append(String.format(Locale.ROOT, "%6d", m[i][j]));
                row += m[i][j];
            }
            sb.append(String.format(Locale.ROOT, "   %5.1f%%%n", row == 0 ? 0 : 100.0 * m[i][i] / row));
        }
        return sb.toString();
    }
}
