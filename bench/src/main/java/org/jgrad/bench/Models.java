package org.jgrad.bench;

import java.util.List;
import org.jgrad.Activation;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Grad;
import org.jgrad.Rng;
import org.jgrad.Tensor;

/**
 * The two benchmark models, written from {@link Functional} and plain tensors (the nn module does not exist yet),
 * initialised like PyTorch's defaults (uniform ±1/√fan_in) so that the loss stays finite over many steps.
 */
final class Models {
    /** Batch size of every training-step benchmark, as the issue fixes it. */
    static final int BATCH = 64;

    private Models() {
    }

    /** A model: parameters in PyTorch order and a forward pass from an input batch to logits {@code [N, 10]}. */
    interface Model {
        List<Tensor> parameters();

        Tensor forward(Tensor x);

        /** The input batch shape. */
        int[] inputShape();

        /** GEMM/conv FLOPs of one step (forward, backward, no input gradient for the data). */
        double stepFlops();
    }

    /** MLP 784-256-10 with a ReLU between the layers. */
    record Mlp(Tensor w1, Tensor b1, Tensor w2, Tensor b2) implements Model {
        static Mlp create(Device device, DType dtype, long seed) {
            Rng rng = new Rng(seed);
            return new Mlp(param(rng, device, dtype, 784, 256, 784), param(rng, device, dtype, 784, 256),
                    param(rng, device, dtype, 256, 10, 256), param(rng, device, dtype, 256, 10));
        }

        @Override
        public List<Tensor> parameters() {
            return List.of(w1, b1, w2, b2);
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = Functional.biasActivation(x.matmul(w1.mT()), b1, 1, Activation.RELU);
            return Functional.linear(h, w2, b2);
        }

        @Override
        public int[] inputShape() {
            return new int[] {BATCH, 784};
        }

        @Override
        public double stepFlops() {
            double l1 = gemm(BATCH, 256, 784), l2 = gemm(BATCH, 10, 256);
            return 3 * (l1 + l2) - l1; // forward + weight gradients + input gradients, minus the data's
        }
    }

    /** conv 1→32 3×3 pad 1, ReLU, maxpool 2, conv 32→64 3×3 pad 1, ReLU, maxpool 2, linear 3136→128, ReLU, linear 128→10. */
    record ConvNet(Tensor c1w, Tensor c1b, Tensor c2w, Tensor c2b, Tensor l1w, Tensor l1b, Tensor l2w, Tensor l2b)
            implements Model {
        static ConvNet create(Device device, DType dtype, long seed) {
            Rng r = new Rng(seed);
            return new ConvNet(param(r, device, dtype, 9, 32, 1, 3, 3), param(r, device, dtype, 9, 32),
                    param(r, device, dtype, 288, 64, 32, 3, 3), param(r, device, dtype, 288, 64),
                    param(r, device, dtype, 3136, 128, 3136), param(r, device, dtype, 3136, 128),
                    param(r, device, dtype, 128, 10, 128), param(r, device, dtype, 128, 10));
        }

        @Override
        public List<Tensor> parameters() {
            return List.of(c1w, c1b, c2w, c2b, l1w, l1b, l2w, l2b);
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = convRelu(x, c1w, c1b);
            h = Functional.maxPool2d(h, 2);
            h = Functional.maxPool2d(convRelu(h, c2w, c2b), 2).reshape(x.size(0), 3136);
            h = Functional.biasActivation(h.matmul(l1w.mT()), l1b, 1, Activation.RELU);
            return Functional.linear(h, l2w, l2b);
        }

        @Override
        public int[] inputShape() {
            return new int[] {BATCH, 1, 28, 28};
        }

        @Override
        public double stepFlops() {
            double c1 = ConvLayer.CONV1.forwardFlops(), c2 = ConvLayer.CONV2.forwardFlops();
            double l1 = gemm(BATCH, 128, 3136), l2 = gemm(BATCH, 10, 128);
            return 3 * (c1 + c2 + l1 + l2) - c1;
        }
    }

    /** The convnet's two convolutions at batch 64, as the benchmarks time them on their own. */
    enum ConvLayer {
        CONV1(1, 32, 28), CONV2(32, 64, 14);

        final int in, out, hw;

        ConvLayer(int in, int out, int hw) {
            this.in = in;
            this.out = out;
            this.hw = hw;
        }

        /** 2·N·O·H·W·C·3·3 (stride 1, pad 1: the output is as large as the input). */
        double forwardFlops() {
            return 2.0 * BATCH * out * hw * hw * in * 9;
        }
    }

    static Tensor convRelu(Tensor x, Tensor w, Tensor b) {
        return Functional.biasActivation(Functional.conv2d(x, w, null, 1, 1), b, 1, Activation.RELU);
    }

    static double gemm(double m, double n, double k) {
        return 2 * m * n * k;
    }

    /** A leaf that requires grad, uniform in ±1/√fanIn, on {@code device}. */
    static Tensor param(Rng rng, Device device, DType dtype, int fanIn, int... shape) {
        try (var off = Grad.disabled()) {
            double bound = 1 / Math.sqrt(fanIn);
            return uniform(rng, device, dtype, -bound, bound, shape).requiresGrad(true);
        }
    }

    /** Uniform values in [lo, hi) on {@code device}, generated there (Philox gives the same numbers everywhere). */
    static Tensor uniform(Rng rng, Device device, DType dtype, double lo, double hi, int... shape) {
        try (var off = Grad.disabled()) {
            Tensor u = Tensor.rand(rng, dtype, shape).to(device);
            return u.mul(hi - lo).add(lo).contiguous();
        }
    }
}
