package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jgrad.Activation;
import org.jgrad.Autograd;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Tensor;
import org.jgrad.spi.Backend;
import org.jgrad.spi.BinaryOp;
import org.jgrad.spi.Conv2dGeometry;
import org.jgrad.spi.Distribution;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.ReduceOp;
import org.jgrad.spi.ReferenceBackend;
import org.jgrad.spi.Storage;
import org.jgrad.spi.StridedLoop;
import org.jgrad.spi.UnaryOp;
import org.jgrad.spi.View;
import org.junit.jupiter.api.Test;

/**
 * The fused paths of core (softmax, log-softmax, bias + activation, activation gradients, convolution and its two gradients) on a backend that has fused kernels: forward
 * equals the composite definition, and the fused nodes' backward rules pass first- and second-order gradchecks.
 */
final class FusedTest {
    private static final Device FUSING = Device.of(new FusingBackend(true));
    /** The same kernels behind {@code hasFusedKernels() == false}: core must not call (or allocate for) any of them. */
    private static final Device DECLINING = Device.of(new FusingBackend(false));
    private static final Device REFERENCE = Device.reference();

    @Test
    void fusedSoftmaxAndLogSoftmaxEqualTheCompositeAlongEveryAxis() {
        // the composite on the reference backend is the definition; the fused kernel must give the same numbers
        Tensor x = Tensor.randn(3, 2, 3, 4).to(DType.F64);
        for (int axis = 0; axis < 3; axis++) {
            assertArrayEquals(x.softmax(axis).toDoubleArray(), x.to(FUSING).softmax(axis).toDoubleArray(), 1e-15);
            assertArrayEquals(x.logSoftmax(axis).toDoubleArray(), x.to(FUSING).logSoftmax(axis).toDoubleArray(), 1e-13);
        }
        assertEquals("logSoftmax", x.to(FUSING).requiresGrad(true).logSoftmax(-1).gradFn(), "the fused node ran");
    }

    @Test
    void fusedSoftmaxBackwardPassesGradcheckToSecondOrder() {
        Tensor x = Tensor.randn(5, 2, 3).to(DType.F64).to(FUSING);
        for (int axis : new int[] {0, 1}) {
            int a = axis;
            GradCheck.check(in -> in[0].softmax(a), x);
            GradCheck.check(in -> in[0].logSoftmax(a), x);
            GradCheck.checkGradGrad(in -> in[0].softmax(a), x);
            GradCheck.checkGradGrad(in -> in[0].logSoftmax(a), x);
        }
    }

    @Test
    void fusedBiasActivationEqualsTheCompositeAndPassesGradcheck() {
        // y is shifted so that y + bias stays away from ReLU's kink at 0
        Tensor bias = Tensor.of(new double[] {0.5, -1, 2}, 3);
        Tensor y = Tensor.of(new double[] {0.3, 1.4, -2.6, -0.7, 1.6, -1.9}, 2, 3);
        for (Activation act : Activation.values()) {
            Tensor composite = act.apply(y.add(bias.reshape(1, 3)));
            Tensor fused = Functional.biasActivation(y.to(FUSING), bias.to(FUSING), 1, act);
            assertArrayEquals(composite.toDoubleArray(), fused.toDoubleArray(), 1e-15, act.name());
            GradCheck.check(in -> Functional.biasActivation(in[0], in[1], 1, act), y.to(FUSING), bias.to(FUSING));
            GradCheck.checkGradGrad(in -> Functional.biasActivation(in[0], in[1], 1, act), y.to(FUSING), bias.to(FUSING));
        }
        assertEquals("biasActivation", Functional.biasActivation(y.to(FUSING).requiresGrad(true), bias.to(FUSING), 1,
                Activation.TANH).gradFn(), "the fused node ran");
    }

    @Test
    void fusedConvolutionEqualsTheCompositeAndPassesGradcheckToSecondOrder() {
        // stride 1 with padding; and stride 2 with dilation, groups and an input size the stride does not divide
        int[][][] geometries = {{{1, 1}, {1, 1}, {1, 1}, {1}}, {{2, 1}, {0, 1}, {2, 1}, {2}}};
        for (int[][] q : geometries) {
            int groups = q[3][0];
            Tensor x = Tensor.randn(1, 2, 2 * groups, 6, 5).to(DType.F64), w = Tensor.randn(2, 2 * groups, 2, 3, 2).to(DType.F64);
            Tensor b = Tensor.randn(3, 2 * groups).to(DType.F64);
            java.util.function.Function<Tensor[], Tensor> conv = in -> Functional.conv2d(in[0], in[1], in[2], q[0], q[1], q[2], groups);
            assertArrayEquals(conv.apply(new Tensor[] {x, w, b}).toDoubleArray(),
                    conv.apply(new Tensor[] {x.to(FUSING), w.to(FUSING), b.to(FUSING)}).toDoubleArray(), 1e-13);
            assertEquals("conv2d", conv.apply(new Tensor[] {x.to(FUSING), w.to(FUSING).requiresGrad(true), b.to(FUSING)})
                    .gradFn(), "the fused node ran");
            GradCheck.check(conv, x.to(FUSING), w.to(FUSING), b.to(FUSING));
            // second order runs the fused input- and weight-gradient nodes' own rules
            GradCheck.checkGradGrad(conv, x.to(FUSING), w.to(FUSING), b.to(FUSING));
        }
    }

    @Test
    void fusedActivationGradientsEqualTheCompositeAndPassGradcheckToSecondOrder() {
        // away from ReLU's kink at 0, where central differences are meaningless
        Tensor x = Tensor.of(new double[] {0.3, 1.4, -2.6, -0.7, 1.6, -1.9, 0.05, -0.2}, 2, 4);
        Tensor g = Tensor.of(new double[] {1.5, -0.5, 2, 0.25, -1, 3, -2, 0.75}, 2, 4);
        for (Activation act : new Activation[] {Activation.RELU, Activation.SIGMOID, Activation.TANH}) {
            Tensor xr = x.detach().requiresGrad(true), xf = x.to(FUSING).requiresGrad(true);
            Tensor composite = Autograd.grad(act.apply(xr), g, java.util.List.of(xr), true, true)[0];
            Tensor fused = Autograd.grad(act.apply(xf), g.to(FUSING), java.util.List.of(xf), true, true)[0];
            assertArrayEquals(composite.toDoubleArray(), fused.toDoubleArray(), 1e-15, act.name());
            assertEquals("activationGrad", fused.gradFn(), "the fused node ran: " + act);
            GradCheck.check(in -> act.apply(in[0]), x.to(FUSING));
            GradCheck.checkGradGrad(in -> act.apply(in[0]), x.to(FUSING));
        }
    }

    @Test
    void aBackendWithoutFusedKernelsIsNeverAskedAndGetsTheComposites() {
        Tensor x = Tensor.randn(4, 2, 3, 6, 6).to(DType.F64), w = Tensor.randn(5, 4, 3, 3, 3).to(DType.F64);
        Tensor b = Tensor.randn(6, 4).to(DType.F64);
        java.util.function.Function<Tensor[], Tensor> net = in -> Functional.maxPool2d(Functional.biasActivation(
                Functional.conv2d(in[0], in[1], null, 1, 1), in[2], 1, Activation.RELU), 2).reshape(2, -1).logSoftmax(1).sum();
        Tensor[] onRef = {x.detach().requiresGrad(true), w.detach().requiresGrad(true), b.detach().requiresGrad(true)};
        Tensor[] onDeclining = {x.to(DECLINING).requiresGrad(true), w.to(DECLINING).requiresGrad(true),
                b.to(DECLINING).requiresGrad(true)};
        net.apply(onRef).backward();
        net.apply(onDeclining).backward();
        for (int i = 0; i < 3; i++) assertArrayEquals(onRef[i].grad().toDoubleArray(), onDeclining[i].grad().toDoubleArray(), 0);
    }

    /** The reference backend plus scalar fused kernels: storages stay the reference instance's. */
    private static final class FusingBackend implements Backend {
        private final ReferenceBackend ref = new ReferenceBackend();
        private final boolean fuses;

        FusingBackend(boolean fuses) {
            this.fuses = fuses;
        }

        @Override
        public boolean hasFusedKernels() {
            return fuses;
        }

        /** Every fused kernel starts here: a backend that said it has none must never be asked. */
        private void asked(String kernel) {
            if (!fuses) throw new AssertionError(kernel + " was called on a backend without fused kernels");
        }

        @Override
        public boolean softmax(View x, View out, boolean log) {
            asked("softmax");
            HeapStorage s = (HeapStorage) x.storage(), d = (HeapStorage) out.storage();
            int[] shape = x.shape();
            int n = shape[shape.length - 1], rows = x.numel() / n;
            for (int row = 0; row < rows; row++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < n; j++) max = Math.max(max, s.get(x.layout().offsetOf(row * n + j)));
                for (int j = 0; j < n; j++) sum += Math.exp(s.get(x.layout().offsetOf(row * n + j)) - max);
                for (int j = 0; j < n; j++) {
                    double v = s.get(x.layout().offsetOf(row * n + j)) - max;
                    d.set(out.layout().offsetOf(row * n + j), log ? v - Math.log(sum) : Math.exp(v) / sum);
                }
            }
            return true;
        }

        @Override
        public boolean biasActivation(View y, View bias, UnaryOp act, View out) {
            asked("biasActivation");
            HeapStorage a = (HeapStorage) y.storage(), b = (HeapStorage) bias.storage(), d = (HeapStorage) out.storage();
            StridedLoop.run(y.shape(), p -> {
                double v = a.get(p[0]) + b.get(p[1]);
                d.set(p[2], act == null ? v : switch (act) {
                    case RELU -> Math.max(v, 0);
                    case SIGMOID -> 1 / (1 + Math.exp(-v));
                    case TANH -> Math.tanh(v);
                    default -> throw new AssertionError(act);
                });
            }, y.layout(), bias.layout(), out.layout());
            return true;
        }

        /** Calls {@code term(x, w, y)} with the row-major element numbers of every product in the convolution's sums. */
        private interface Term {
            void add(int x, int w, int y);
        }

        private static void terms(int[] xs, int[] ws, int[] ys, Conv2dGeometry geo, Term term) {
            int cg = ws[1], og = ws[0] / geo.groups();
            for (int n = 0; n < ys[0]; n++)
                for (int o = 0; o < ys[1]; o++)
                    for (int oy = 0; oy < ys[2]; oy++)
                        for (int ox = 0; ox < ys[3]; ox++)
                            for (int ci = 0; ci < cg; ci++)
                                for (int ki = 0; ki < ws[2]; ki++)
                                    for (int kj = 0; kj < ws[3]; kj++) {
                                        int iy = oy * geo.strideH() - geo.padH() + ki * geo.dilationH();
                                        int ix = ox * geo.strideW() - geo.padW() + kj * geo.dilationW();
                                        if (iy < 0 || iy >= xs[2] || ix < 0 || ix >= xs[3]) continue;
                                        int c = o / og * cg + ci;
                                        term.add(((n * xs[1] + c) * xs[2] + iy) * xs[3] + ix,
                                                ((o * cg + ci) * ws[2] + ki) * ws[3] + kj, ((n * ys[1] + o) * ys[2] + oy) * ys[3] + ox);
                                    }
        }

        /** {@code out[io] += a[ia]·b[ib]}, element numbers read through the views' layouts. */
        private static void add(View out, int io, View a, int ia, View b, int ib) {
            HeapStorage d = (HeapStorage) out.storage();
            int q = out.layout().offsetOf(io);
            d.set(q, d.get(q) + ((HeapStorage) a.storage()).get(a.layout().offsetOf(ia))
                    * ((HeapStorage) b.storage()).get(b.layout().offsetOf(ib)));
        }

        @Override
        public boolean conv2d(View x, View weight, View bias, Conv2dGeometry geometry, View out) {
            asked("conv2d");
            terms(x.shape(), weight.shape(), out.shape(), geometry, (xi, wi, yi) -> add(out, yi, x, xi, weight, wi));
            if (bias != null) {
                HeapStorage b = (HeapStorage) bias.storage(), d = (HeapStorage) out.storage();
                int[] ys = out.shape();
                for (int i = 0; i < out.numel(); i++) {
                    int q = out.layout().offsetOf(i);
                    d.set(q, d.get(q) + b.get(bias.layout().offsetOf(i / (ys[2] * ys[3]) % ys[1])));
                }
            }
            return true;
        }

        @Override
        public boolean conv2dInputGrad(View grad, View weight, Conv2dGeometry geometry, View out) {
            asked("conv2dInputGrad");
            terms(out.shape(), weight.shape(), grad.shape(), geometry, (xi, wi, yi) -> add(out, xi, grad, yi, weight, wi));
            return true;
        }

        @Override
        public boolean conv2dWeightGrad(View x, View grad, Conv2dGeometry geometry, View out) {
            asked("conv2dWeightGrad");
            terms(x.shape(), out.shape(), grad.shape(), geometry, (xi, wi, yi) -> add(out, wi, x, xi, grad, yi));
            return true;
        }

        @Override
        public boolean activationGrad(UnaryOp act, View grad, View y, View out) {
            asked("activationGrad");
            HeapStorage a = (HeapStorage) grad.storage(), b = (HeapStorage) y.storage(), d = (HeapStorage) out.storage();
            StridedLoop.run(out.shape(), p -> {
                double gv = a.get(p[0]), yv = b.get(p[1]);
                d.set(p[2], switch (act) {
                    case RELU -> yv > 0 ? gv : 0;
                    case SIGMOID -> gv * yv * (1 - yv);
                    case TANH -> gv * (1 - yv * yv);
                    default -> throw new AssertionError(act);
                });
            }, grad.layout(), y.layout(), out.layout());
            return true;
        }

        @Override public String name() { return "fusing-reference"; }
        @Override public Storage allocate(DType dtype, int size) { return ref.allocate(dtype, size); }
        @Override public Storage upload(DType dtype, Object data) { return ref.upload(dtype, data); }
        @Override public Object download(Storage storage) { return ref.download(storage); }
        @Override public void copy(View src, View dst) { ref.copy(src, dst); }
        @Override public void accumulate(View src, View dst) { ref.accumulate(src, dst); }
        @Override public void fill(View dst, double value) { ref.fill(dst, value); }
        @Override public void unary(UnaryOp op, View x, View out) { ref.unary(op, x, out); }
        @Override public void binary(BinaryOp op, View a, View b, View out) { ref.binary(op, a, b, out); }
        @Override public void where(View mask, View a, View b, View out) { ref.where(mask, a, b, out); }
        @Override public void reduce(ReduceOp op, View x, int k, View out) { ref.reduce(op, x, k, out); }
        @Override public void matmul(View a, View b, View out) { ref.matmul(a, b, out); }
        @Override public void gather(View x, int axis, View index, View out) { ref.gather(x, axis, index, out); }
        @Override public void scatterAdd(View dst, int axis, View index, View src) { ref.scatterAdd(dst, axis, index, src); }
        @Override public void random(Distribution d, long seed, long offset, View out) { ref.random(d, seed, offset, out); }
    }
}
