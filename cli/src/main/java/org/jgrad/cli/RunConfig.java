package org.jgrad.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything that determines a training run's numbers. It travels in every checkpoint's metadata (where
 * {@code --resume} reads it back, through the hardened safetensors reader) and, for people, in config.json. The
 * device and thread count belong to it: the same seed gives the same numbers on the same device and threads.
 */
record RunConfig(String model, int epochs, int batchSize, double lr, String optimizer, double momentum,
        double weightDecay, String schedule, boolean augment, String device, int threads, long seed, String data) {
    static final Set<String> OPTIMIZERS = Set.of("sgd", "adam", "adamw", "rmsprop");
    static final Set<String> SCHEDULES = Set.of("none", "cosine");
    private static final String PREFIX = "config.";

    /** Checks the values a user typed; the message names the option. */
    RunConfig validate() {
        if (!Models.NAMES.contains(model)) throw bad("--model", model, "one of " + String.join(", ", Models.NAMES));
        if (!OPTIMIZERS.contains(optimizer)) throw bad("--optimizer", optimizer, "one of sgd, adam, adamw, rmsprop");
        if (!SCHEDULES.contains(schedule)) throw bad("--schedule", schedule, "none or cosine");
        if (epochs < 1) throw bad("--epochs", epochs, "at least 1");
        if (batchSize < 1) throw bad("--batch-size", batchSize, "at least 1");
        if (!(lr > 0) || Double.isInfinite(lr)) throw bad("--lr", lr, "a positive number");
        if (!(momentum >= 0) || momentum >= 1) throw bad("--momentum", momentum, "in [0, 1)");
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw bad("--weight-decay", weightDecay, "a non-negative number");
        if (threads < 1) throw bad("--threads", threads, "at least 1");
        return this;
    }

    private static IllegalArgumentException bad(String option, Object value, String expected) {
        return new IllegalArgumentException(option + " " + value + " is invalid: expected " + expected);
    }

    /** The same run trained to {@code total} epochs. */
    RunConfig withEpochs(int total) {
        return new RunConfig(model, total, batchSize, lr, optimizer, momentum, weightDecay, schedule, augment, device,
                threads, seed, data).validate();
    }

    /** The configuration as ordered name → value pairs, with the option names users type (minus the dashes). */
    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("epochs", Integer.toString(epochs));
        m.put("batch-size", Integer.toString(batchSize));
        m.put("lr", Double.toString(lr));
        m.put("optimizer", optimizer);
        m.put("momentum", Double.toString(momentum));
        m.put("weight-decay", Double.toString(weightDecay));
        m.put("schedule", schedule);
        m.put("augment", Boolean.toString(augment));
        m.put("device", device);
        m.put("threads", Integer.toString(threads));
        m.put("seed", Long.toString(seed));
        m.put("data", data == null ? "" : data);
        return m;
    }

    /** Checkpoint metadata entries ({@code config.lr} = {@code 0.001}, ...). */
    Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        toMap().forEach((k, v) -> m.put(PREFIX + k, v));
        return m;
    }

    /** The configuration a checkpoint's metadata holds; {@code where} names the file in errors. */
    static RunConfig fromMetadata(Map<String, String> meta, String where) {
        Function<String, String> get = k -> {
            String v = meta.get(PREFIX + k);
            if (v == null) throw new IllegalArgumentException(where + ": metadata lacks " + PREFIX + k + "; not a checkpoint of ./jgrad train");
            return v;
        };
        try {
            String data = get.apply("data");
            return new RunConfig(get.apply("model"), Integer.parseInt(get.apply("epochs")), Integer.parseInt(get.apply("batch-size")),
                    Double.parseDouble(get.apply("lr")), get.apply("optimizer"), Double.parseDouble(get.apply("momentum")),
                    Double.parseDouble(get.apply("weight-decay")), get.apply("schedule"), Boolean.parseBoolean(get.apply("augment")),
                    get.apply("device"), Integer.parseInt(get.apply("threads")), Long.parseLong(get.apply("seed")),
                    data.isEmpty() ? null : data).validate();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": malformed configuration in the metadata: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    /** config.json: the same pairs as a JSON object, one per line, every value a string. */
    String toJson() {
        StringBuilder sb = new StringBuilder("{\n");
        var it = toMap().entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            sb.append("  ").append(quote(e.getKey())).append(": ").append(quote(e.getValue())).append(it.hasNext() ? ",\n" : "\n");
        }
        return sb.append("}\n").toString();
    }

    private static String quote(String v) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }
}
