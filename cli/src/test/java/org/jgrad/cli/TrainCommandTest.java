package org.jgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jgrad.nn.data.FashionMnist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job end to end on the built-in sample (copied to a folder and named with --data, so the test does not
 * depend on whether the full set is installed): the run folder, resuming, evaluation and the one-line errors.
 */
class TrainCommandTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void copySample() throws IOException {
        data = Files.createDirectories(tmp.resolve("sample"));
        for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz"))
            try (InputStream in = FashionMnist.class.getResourceAsStream("fashion-mnist-sample/" + f)) {
                Files.copy(in, data.resolve(f));
            }
    }

    @Test
    void trainWritesACompleteRunFolderAndResumingGivesTheUninterruptedNumbers() throws IOException {
        Path whole = tmp.resolve("whole"), split = tmp.resolve("split");
        String[] common = {"--model", "mlp", "--batch-size", "100", "--threads", "1", "--data", data.toString(), "--seed", "7"};
        Result r = run(concat(new String[] {"train", "--epochs", "2", "--out", whole.toString()}, common));
        assertEquals(0, r.rc, r.err);
        assertTrue(r.out.contains("data: " + data + " (2000/500 images)"), r.out);
        for (String f : List.of("metrics.csv", "curves.png", "model.safetensors", "optimizer.safetensors", "config.json"))
            assertTrue(Files.size(whole.resolve(f)) > 0, f);
        assertEquals(3, Files.readAllLines(whole.resolve("metrics.csv")).size(), "header + one row per epoch");

        assertEquals(0, run(concat(new String[] {"train", "--epochs", "1", "--out", split.toString()}, common)).rc);
        Result resumed = run("train", "--resume", split.toString(), "--epochs", "2");
        assertEquals(0, resumed.rc, resumed.err);
        assertTrue(resumed.out.contains("resuming after epoch 1"), resumed.out);
        assertEquals(withoutSeconds(whole.resolve("metrics.csv")), withoutSeconds(split.resolve("metrics.csv")),
                "same seed, device and threads: a resumed run has the uninterrupted run's numbers");

        Result eval = run("eval", whole.toString(), "--data", data.toString());
        assertEquals(0, eval.rc, eval.err);
        String acc = withoutSeconds(whole.resolve("metrics.csv")).getLast().split(",")[4];
        assertTrue(eval.out.contains(String.format(java.util.Locale.ROOT, "test accuracy %.2f%%", 100 * Double.parseDouble(acc))), eval.out);
        assertTrue(eval.out.contains("9 Ankle boot"), "confusion matrix rows name the classes:\n" + eval.out);
    }

    @Test
    void badInputIsOneLineAndExitStatusTwo() throws IOException {
        Path corrupt = Files.write(tmp.resolve("corrupt.safetensors"), new byte[] {1, 2, 3});
        String[][] cases = {
                {"train", "--model", "resnet", "--data", data.toString()},
                {"train", "--lr", "-1"},
                {"train", "--data", tmp.resolve("nowhere").toString()},
                {"train", "--resume", tmp.resolve("nowhere").toString()},
                {"eval", corrupt.toString()},
        };
        String[] expected = {"--model resnet is invalid", "--lr -1.0 is invalid", "nowhere: no such file or folder",
                "is not a run folder", "corrupt.safetensors"};
        for (int i = 0; i < cases.length; i++) {
            Result r = run(cases[i]);
            assertEquals(2, r.rc, String.join(" ", cases[i]));
            assertTrue(r.err.strip().startsWith("jgrad " + cases[i][0] + ": ") && r.err.contains(expected[i]), r.err);
            assertFalse(r.err.contains("\tat "), "no stack trace without --debug:\n" + r.err);
        }
    }

    private static List<String> withoutSeconds(Path csv) throws IOException {
        return Files.readAllLines(csv).stream().map(l -> l.replaceFirst(",[^,]*,([^,]*)$", ",$1")).toList();
    }

    private record Result(int rc, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            var cl = Main.commandLine(false);
            cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
            int rc = cl.execute(args);
            return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
