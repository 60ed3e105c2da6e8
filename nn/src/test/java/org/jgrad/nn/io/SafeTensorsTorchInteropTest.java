package org.jgrad.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jgrad.DType;
import org.jgrad.Functional;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch 1.13 loads a checkpoint jgrad wrote, and jgrad loads one PyTorch wrote (with an int64 BatchNorm
 * counter), and both give the same logits within 1e-5 on the same inputs. The torch side is
 * {@code src/test/python/safetensors_interop.py}, run with {@code /usr/bin/python3}; without python3-torch the
 * test is skipped, except under {@code CI=true}, where it fails.
 */
class SafeTensorsTorchInteropTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("src/test/python/safetensors_interop.py");
    private static final double TOLERANCE = 1e-5;

    @BeforeAll
    static void requireTorch() throws Exception {
        String why = null;
        if (!Files.isExecutable(PYTHON)) why = PYTHON + " is missing";
        else if (run(List.of(PYTHON.toString(), "-c", "import torch, numpy")).exit != 0) why = "python3 cannot import torch and numpy";
        if (why == null) return;
        String message = "safetensors interop with PyTorch skipped: " + why + " (apt-get install python3-torch python3-numpy)";
        if ("true".equals(System.getenv("CI"))) throw new AssertionError(message + "; CI=true requires it");
        Assumptions.abort(message);
    }

    @Test
    void torchLoadsAJgradCheckpointAndGivesTheSameLogits(@TempDir Path dir) throws Exception {
        Map<String, Tensor> weights = randomWeights();
        Tensor x = inputs();
        SafeTensors.save(dir.resolve("model.safetensors"), weights, Map.of("format", "pt"));
        SafeTensors.save(dir.resolve("inputs.safetensors"), Map.of("x", x));
        torch("load", dir);
        assertClose("torch loading jgrad's checkpoint", forward(weights, x), SafeTensors.load(dir.resolve("logits.safetensors")).tensors().get("logits"));
    }

    @Test
    void jgradLoadsATorchCheckpointAndGivesTheSameLogits(@TempDir Path dir) throws Exception {
        Tensor x = inputs();
        SafeTensors.save(dir.resolve("inputs.safetensors"), Map.of("x", x));
        torch("save", dir);
        Map<String, Tensor> weights = SafeTensors.load(dir.resolve("model.safetensors")).tensors();
        assertEquals(DType.I32, weights.get("1.num_batches_tracked").dtype(), "int64 buffer loads as I32");
        assertEquals(3, (int) weights.get("1.num_batches_tracked").item());
        assertClose("jgrad loading torch's checkpoint", forward(weights, x), SafeTensors.load(dir.resolve("logits.safetensors")).tensors().get("logits"));
    }

    /**
     * The script's architecture in core ops: conv(1→4) BN ReLU pool, conv(4→8) ReLU pool, linear(392→16) ReLU,
     * linear(16→10); BatchNorm in eval mode.
     */
    private static Tensor forward(Map<String, Tensor> w, Tensor x) {
        Tensor h = Functional.conv2d(x, w.get("0.weight"), w.get("0.bias"), 1, 1);
        h = Functional.batchNorm(h, w.get("1.running_mean"), w.get("1.running_var"), w.get("1.weight"), w.get("1.bias"),
                false, 0.1, 1e-5);
        h = Functional.maxPool2d(h.relu(), 2);
        h = Functional.maxPool2d(Functional.conv2d(h, w.get("4.weight"), w.get("4.bias"), 1, 1).relu(), 2);
        h = Functional.linear(h.flatten(1, 3), w.get("8.weight"), w.get("8.bias")).relu();
        return Functional.linear(h, w.get("10.weight"), w.get("10.bias"));
    }

    private static Map<String, Tensor> randomWeights() {
        Map<String, Tensor> w = new LinkedHashMap<>();
        long seed = 11;
        w.put("0.weight", Tensor.randn(seed++, 4, 1, 3, 3).mul(0.5));
        w.put("0.bias", Tensor.randn(seed++, 4).mul(0.1));
        w.put("1.weight", Tensor.rand(seed++, 4).add(0.5));
        w.put("1.bias", Tensor.randn(seed++, 4).mul(0.1));
        w.put("1.running_mean", Tensor.randn(seed++, 4).mul(0.2));
        w.put("1.running_var", Tensor.rand(seed++, 4).add(0.5));
        w.put("1.num_batches_tracked", Tensor.of(new int[] {7}));
        w.put("4.weight", Tensor.randn(seed++, 8, 4, 3, 3).mul(0.3));
        w.put("4.bias", Tensor.randn(seed++, 8).mul(0.1));
        w.put("8.weight", Tensor.randn(seed++, 16, 392).mul(0.05));
        w.put("8.bias", Tensor.randn(seed++, 16).mul(0.1));
        w.put("10.weight", Tensor.randn(seed++, 10, 16).mul(0.25));
        w.put("10.bias", Tensor.randn(seed, 10).mul(0.1));
        return w;
    }

    private static Tensor inputs() {
        return Tensor.randn(99, 5, 1, 28, 28);
    }

    private static void assertClose(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        double worst = 0;
        int at = 0;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs(e[i] - a[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        System.out.printf("%s: max |logit diff| %.3g at %d (jgrad %s, torch %s)%n", what, worst, at, e[at], a[at]);
        assertTrue(worst <= TOLERANCE, what + ": logits differ by " + worst + " at " + at + ": jgrad " + e[at] + ", torch " + a[at]);
    }

    private static void torch(String mode, Path dir) throws Exception {
        Result r = run(List.of(PYTHON.toString(), SCRIPT.toString(), mode, dir.resolve("model.safetensors").toString(),
                dir.resolve("inputs.safetensors").toString(), dir.resolve("logits.safetensors").toString()));
        assertEquals(0, r.exit, "python " + mode + " failed:\n" + r.output);
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        // Output goes to a file, not a pipe, so that waiting can time out while a hung child writes nothing.
        Path log = Files.createTempFile("torch-interop", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after 120 s: " + command);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            System.out.print(out);
            return new Result(p.exitValue(), out);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
