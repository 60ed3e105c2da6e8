package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jgrad.Activation;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Tensor;
import org.jgrad.spi.Backend;
import org.jgrad.spi.BinaryOp;
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
 * The fused paths of core (softmax, log-softmax, bias + activation) on a backend that has fused kernels: forward
 * equals the composite definition, and the fused nodes' backward rules pass first- and second-order gradchecks.
 */
final class FusedTest {
    private static final Device FUSING = Device.of(new FusingBackend());
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

    /** The reference backend plus scalar fused kernels: storages stay the reference instance's. */
    private static final class FusingBackend implements Backend {
        private final ReferenceBackend ref = new ReferenceBackend();

        @Override
        public boolean softmax(View x, View out, boolean log) {
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
