package org.jgrad.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.jgrad.Autograd;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Grad;
import org.jgrad.Rng;
import org.jgrad.Tensor;
import org.jgrad.bench.Models.ConvLayer;
import org.jgrad.bench.Models.Model;

/**
 * The benchmarked workloads, shared by the JMH benchmarks and {@code ./jgrad bench}, so that both (and the
 * comparison script, which mirrors them in PyTorch) time exactly the same computation.
 *
 * <p>FLOPs are counted as the peers count them: {@code 2·M·N·K} per GEMM, {@code 2·N·O·H·W·C·KH·KW} per
 * convolution pass, one per element for elementwise ops and reductions, and for a training step the sum of its
 * GEMM and convolution passes (forward, weight gradients, input gradients except the data's); the cheap
 * elementwise work of a step is not counted, so a step's GFLOP/s is a lower bound of the work done.
 */
public final class Workloads {
    /** The square GEMM sizes of the issue. */
    public static final List<Integer> GEMM_SIZES = List.of(64, 128, 256, 512, 1024, 2048);

    /**
     * The GEMMs inside the convnet's layers at batch 64, as {@code name=MxNxK} of {@code out[M,N] = a[M,K]·b[K,N]}:
     * im2col forward of each conv, conv2's weight and input gradients, and the first linear layer.
     */
    public static final List<String> CONVNET_GEMM_SHAPES = List.of(
            "conv1-fwd=32x50176x9", "conv2-fwd=64x12544x288", "conv2-wgrad=64x288x12544",
            "conv2-dgrad=288x12544x64", "linear1-fwd=64x128x3136", "linear1-wgrad=128x3136x64");

    /** The elementwise ops timed, on {@link #ELEMENTWISE_N} F32 elements. */
    public static final List<String> ELEMENTWISE_OPS = List.of("add", "mul", "relu", "exp", "tanh", "sigmoid", "sum");

    /** The training steps' models. */
    public static final List<String> MODELS = List.of("mlp", "convnet");

    /** 2²⁰ elements: 4 MiB per F32 operand, larger than L2, as a layer's activations are. */
    public static final int ELEMENTWISE_N = 1 << 20;

    private static final long SEED = 20261127;

    private Workloads() {
    }

    /** {@code out[M,N] = a[M,K]·b[K,N]}, contiguous operands of {@code dtype}. */
    public static Workload gemm(Device device, DType dtype, int m, int n, int k) {
        Rng rng = new Rng(SEED);
        Tensor a = Models.uniform(rng, device, dtype, -1, 1, m, k), b = Models.uniform(rng, device, dtype, -1, 1, k, n);
        String name = String.format(Locale.ROOT, "gemm-%dx%dx%d", m, n, k);
        return workload(name, Models.gemm(m, n, k), () -> sync(a.matmul(b)));
    }

    /** A square GEMM of {@code size}. */
    public static Workload gemm(Device device, DType dtype, int size) {
        return gemm(device, dtype, size, size, size);
    }

    /** One entry of {@link #CONVNET_GEMM_SHAPES}, F32, named {@code gemm-<layer>-MxNxK}. */
    public static Workload convnetGemm(Device device, String shape) {
        String[] kv = shape.split("=");
        String[] mnk = kv[1].split("x");
        Workload w = gemm(device, DType.F32, Integer.parseInt(mnk[0]), Integer.parseInt(mnk[1]), Integer.parseInt(mnk[2]));
        return workload("gemm-" + kv[0] + "-" + kv[1], w.flops(), w::run);
    }

    /**
     * One of the convnet's convolutions at batch 64 ({@code layer} 1 or 2), F32: the forward pass alone, or forward
     * and backward (conv1's input is data, so its backward computes weight and bias gradients only; conv2's
     * also computes the input gradient, as in training).
     */
    public static Workload conv(Device device, int layer, boolean backward) {
        ConvLayer c = layer == 1 ? ConvLayer.CONV1 : ConvLayer.CONV2;
        Rng rng = new Rng(SEED);
        Tensor x = Models.uniform(rng, device, DType.F32, -1, 1, Models.BATCH, c.in, c.hw, c.hw);
        Tensor w = Models.param(rng, device, DType.F32, c.in * 9, c.out, c.in, 3, 3);
        Tensor b = Models.param(rng, device, DType.F32, c.in * 9, c.out);
        if (!backward) {
            return workload("conv" + layer + "-fwd", c.forwardFlops(), () -> {
                try (var off = Grad.disabled()) {
                    return sync(Functional.conv2d(x, w, b, 1, 1));
                }
            });
        }
        Tensor xg = layer == 1 ? x : x.detach().requiresGrad(true);
        List<Tensor> wrt = layer == 1 ? List.of(w, b) : List.of(xg, w, b);
        Tensor gy = Models.uniform(rng, device, DType.F32, -1, 1, Models.BATCH, c.out, c.hw, c.hw);
        // forward + weight gradient (+ input gradient for conv2); the bias gradient is a cheap reduction
        return workload("conv" + layer + "-fwdbwd", c.forwardFlops() * (layer == 1 ? 2 : 3), () -> {
            Tensor[] g = Autograd.grad(Functional.conv2d(xg, w, b, 1, 1), gy, wrt, false, false);
            return sync(g[g.length - 2]);
        });
    }

    /**
     * The FP32 FMA peak of {@code threads} cores at a vector width of {@code bits} (128, 256 or 512), measured with
     * register-only FMA chains on the JVM's own threads: the ceiling against which GEMM efficiency is judged.
     */
    public static Workload fmaPeak(int bits, int threads) {
        return FmaPeak.create(bits, threads);
    }

    /** One elementwise op of {@link #ELEMENTWISE_OPS} on {@link #ELEMENTWISE_N} F32 elements, no autograd. */
    public static Workload elementwise(Device device, String op) {
        Rng rng = new Rng(SEED);
        Tensor a = Models.uniform(rng, device, DType.F32, -2, 2, ELEMENTWISE_N);
        Tensor b = Models.uniform(rng, device, DType.F32, -2, 2, ELEMENTWISE_N);
        return workload("elementwise-" + op, ELEMENTWISE_N, () -> {
            try (var off = Grad.disabled()) {
                return sync(switch (op) {
                    case "add" -> a.add(b);
                    case "mul" -> a.mul(b);
                    case "relu" -> a.relu();
                    case "exp" -> a.exp();
                    case "tanh" -> a.tanh();
                    case "sigmoid" -> a.sigmoid();
                    case "sum" -> a.sum();
                    default -> throw new IllegalArgumentException("elementwise: unknown op '" + op
                            + "' (known: " + String.join(", ", ELEMENTWISE_OPS) + ")");
                });
            }
        });
    }

    /**
     * One SGD step (lr 0.01) of {@code model} ({@code mlp} or {@code convnet}) at batch 64, F32: forward,
     * cross-entropy, backward, parameter update inside {@link Grad#disabled()}. The batch is fixed, as the
     * peers' benchmark uses one batch too; the loss is read back, which ends the step on any device.
     */
    public static Workload trainStep(Device device, String model) {
        Model m = switch (model) {
            case "mlp" -> Models.Mlp.create(device, DType.F32, SEED);
            case "convnet" -> Models.ConvNet.create(device, DType.F32, SEED);
            default -> throw new IllegalArgumentException("train-step: unknown model '" + model + "' (known: mlp, convnet)");
        };
        Rng rng = new Rng(SEED + 1);
        Tensor x = Models.uniform(rng, device, DType.F32, 0, 1, m.inputShape());
        int[] labels = new int[Models.BATCH];
        for (int i = 0; i < labels.length; i++) labels[i] = (i * 7 + 3) % 10;
        Tensor y = Tensor.of(labels, labels.length).to(device);
        return workload("train-step-" + model, m.stepFlops(), () -> sgdStep(m, x, y, 0.01));
    }

    /** One SGD step; returns the loss before the update. */
    static double sgdStep(Model m, Tensor x, Tensor y, double lr) {
        Tensor loss = Functional.crossEntropy(m.forward(x), y);
        loss.backward();
        try (var off = Grad.disabled()) {
            for (Tensor p : m.parameters()) {
                p.subInPlace(p.grad().mul(lr));
                p.setGrad(null);
            }
        }
        return loss.item();
    }

    /**
     * Makes the result observable: on the heap backends the work is already done, elsewhere reading one element
     * waits for the device's queue, so a timed run never ends before its work does.
     */
    private static Object sync(Tensor t) {
        String d = t.device().name();
        if (d.equals("cpu") || d.equals("reference") || t.numel() == 0) return t;
        return t.get(new int[t.rank()]); // the first element: a one-element download, no copy of t
    }

    private static Workload workload(String name, double flops, Supplier<Object> body) {
        return new Timed(name, flops, body);
    }

    /** A workload from its parts. */
    record Timed(String name, double flops, Supplier<Object> body) implements Workload {
        @Override
        public Object run() {
            return body.get();
        }
    }
}
