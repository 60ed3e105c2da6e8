package org.jgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jgrad.Device;
import org.jgrad.bench.Workload;
import org.jgrad.bench.Workloads;
import org.junit.jupiter.api.Test;

/** The bench command's contract with bench/compare.py, checked on the reference backend at tiny sizes. */
class BenchCommandTest {
    /** The pattern bench/compare.py parses (its LINE regex): keep the two in step. */
    private static final Pattern LINE = Pattern.compile(
            "^(\\S+)\\s+device=(\\S+) threads=(\\d+) dtype=(\\S+) median_ms=([\\d.]+) min_ms=([\\d.]+) gflops=([\\d.]+)");

    @Test
    void benchGemmPrintsOneParsableLinePerSizeWithHonestGflops() {
        List<String> lines = run("bench", "gemm", "--size", "8,16", "--device", "reference", "--warmup", "0",
                "--samples", "3", "--min-sample-ms", "1");
        List<Matcher> ms = lines.stream().map(LINE::matcher).filter(Matcher::find).toList();
        assertEquals(2, ms.size(), "one line per size in:\n" + String.join("\n", lines));
        for (int i = 0; i < 2; i++) {
            Matcher m = ms.get(i);
            int n = i == 0 ? 8 : 16;
            assertEquals("gemm-" + n + "x" + n + "x" + n, m.group(1));
            assertEquals("reference", m.group(2));
            assertEquals("1", m.group(3), "the reference backend is single-threaded");
            double gflops = 2.0 * n * n * n / (Double.parseDouble(m.group(5)) * 1e-3) / 1e9;
            assertEquals(gflops, Double.parseDouble(m.group(7)), 0.02 * gflops + 0.01, "GFLOP/s = 2·N³ / median");
        }
    }

    @Test
    void unknownDeviceIsOneErrorLineAndExitCodeTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var cl = Main.commandLine(false);
        cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        int rc = cl.execute("bench", "gemm", "--size", "8", "--device", "nosuch", "--warmup", "0", "--samples", "1");
        assertEquals(2, rc);
        String msg = err.toString(StandardCharsets.UTF_8).strip();
        assertTrue(msg.startsWith("jgrad bench gemm: device: no backend named 'nosuch'") && !msg.contains("\n\tat "), msg);
    }

    @Test
    void mlpTrainStepOnAFixedBatchLowersTheLoss() {
        Workload step = Workloads.trainStep(Device.reference(), "mlp");
        double first = (Double) step.run(), last = first;
        for (int i = 0; i < 4; i++) last = (Double) step.run();
        assertTrue(last < first, "SGD on one batch must lower its loss: first " + first + ", after 5 steps " + last);
    }

    private static List<String> run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.commandLine(false).execute(args));
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
