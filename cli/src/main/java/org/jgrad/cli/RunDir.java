package org.jgrad.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgrad.Tensor;
import org.jgrad.nn.Layer;
import org.jgrad.nn.io.Checkpoint;
import org.jgrad.nn.io.SafeTensors;
import org.jgrad.nn.optim.LrScheduler;
import org.jgrad.nn.optim.Optimizer;

/**
 * A run folder: config.json, metrics.csv, curves.png, model.safetensors and optimizer.safetensors (optimizer and
 * schedule state). Every file is replaced atomically (written beside, then renamed) and both checkpoints carry
 * the epoch they hold and the configuration, so a run stopped at any moment still holds a consistent last
 * completed epoch — from epoch 0, written when the folder is created, on.
 */
final class RunDir {
    static final String CONFIG = "config.json", METRICS = "metrics.csv", CURVES = "curves.png",
            MODEL = "model.safetensors", OPTIMIZER = "optimizer.safetensors";
    private final Path path;
    private final List<Metrics> rows = new ArrayList<>();

    RunDir(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    List<Metrics> rows() {
        return rows;
    }

    /** Creates a new run folder with its configuration and the untrained model as epoch 0. */
    void create(RunConfig config, Layer model, Optimizer optimizer, LrScheduler schedule) throws IOException {
        if (Files.exists(path.resolve(MODEL)) || Files.exists(path.resolve(CONFIG)))
            throw new IllegalArgumentException(path + " already holds a run; continue it with --resume " + path + " or choose another --out");
        Files.createDirectories(path);
        write(path.resolve(METRICS), Metrics.HEADER + "\n");
        saveCheckpoints(0, config, model, optimizer, schedule);
    }

    /** The configuration stored in a run folder's model checkpoint. */
    static RunConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve(MODEL);
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(dir + " is not a run folder of ./jgrad train (no " + MODEL + ")");
        return RunConfig.fromMetadata(SafeTensors.load(file).metadata(), file.toString());
    }

    /** Appends the epoch's metrics and writes metrics.csv, curves.png and both checkpoints. */
    void saveEpoch(Metrics m, RunConfig config, Layer model, Optimizer optimizer, LrScheduler schedule) throws IOException {
        rows.add(m);
        StringBuilder csv = new StringBuilder(Metrics.HEADER).append('\n');
        for (Metrics r : rows) csv.append(r.csv()).append('\n');
        write(path.resolve(METRICS), csv.toString());
        write(path.resolve(CURVES), Curves.png(rows, config.model()));
        saveCheckpoints(m.epoch(), config, model, optimizer, schedule);
    }

    private void saveCheckpoints(int epoch, RunConfig config, Layer model, Optimizer optimizer, LrScheduler schedule) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "jgrad-train-1");
        meta.put("epoch", Integer.toString(epoch));
        meta.putAll(config.toMetadata());
        write(path.resolve(CONFIG), config.toJson()); // --resume --epochs may have changed it
        Map<String, Tensor> state = new LinkedHashMap<>();
        optimizer.stateDict().forEach((k, v) -> state.put("optimizer." + k, v));
        if (schedule != null) schedule.stateDict().forEach((k, v) -> state.put("schedule." + k, v));
        // The optimizer's first: a stop between the two renames leaves a model one epoch behind, which loadCheckpoint names.
        SafeTensors.save(path.resolve(OPTIMIZER), state, meta);
        SafeTensors.save(path.resolve(MODEL), model.stateDict(), meta);
    }

    /**
     * Loads the last completed epoch into the model, optimizer and schedule, and the metrics rows up to it; returns
     * that epoch.
     */
    int loadCheckpoint(Layer model, Optimizer optimizer, LrScheduler schedule) throws IOException {
        Checkpoint m = SafeTensors.load(path.resolve(MODEL)), o = SafeTensors.load(path.resolve(OPTIMIZER));
        int epoch = epochOf(m, MODEL), optimizerEpoch = epochOf(o, OPTIMIZER);
        if (optimizerEpoch != epoch)
            throw new IllegalArgumentException(path + ": " + MODEL + " holds epoch " + epoch + " but " + OPTIMIZER + " epoch "
                    + optimizerEpoch + " (the run stopped while saving); it cannot be resumed consistently");
        Map<String, Tensor> opt = new LinkedHashMap<>(), sched = new LinkedHashMap<>();
        o.tensors().forEach((k, v) -> {
            if (k.startsWith("optimizer.")) opt.put(k.substring("optimizer.".length()), v);
            else if (k.startsWith("schedule.")) sched.put(k.substring("schedule.".length()), v);
            else throw new IllegalArgumentException(path.resolve(OPTIMIZER) + ": unexpected entry '" + k + "'");
        });
        model.loadStateDict(m.tensors());
        optimizer.loadStateDict(opt);
        if (schedule != null) schedule.loadStateDict(sched);
        Path csv = path.resolve(METRICS);
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.getFirst().equals(Metrics.HEADER))
            throw new IllegalArgumentException(csv + " does not start with the header " + Metrics.HEADER);
        for (String line : lines.subList(1, lines.size())) {
            Metrics r = Metrics.parse(line, csv.toString());
            if (r.epoch() <= epoch) rows.add(r);
        }
        if (rows.size() != epoch) throw new IllegalArgumentException(csv + " has " + rows.size() + " rows for the " + epoch + " epochs checkpointed");
        return epoch;
    }

    private int epochOf(Checkpoint c, String file) {
        String e = c.metadata().get("epoch");
        try {
            return Integer.parseInt(e);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(path.resolve(file) + " names no epoch in its metadata (got '" + e + "')");
        }
    }

    private static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
