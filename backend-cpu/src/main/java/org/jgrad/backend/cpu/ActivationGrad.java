package org.jgrad.backend.cpu;

import static jdk.incubator.vector.VectorOperators.GT;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.UnaryOp;
import org.jgrad.spi.View;

/**
 * The SPI's fused activation gradient, {@code out = g · act'(x)} from the activation's output y, in one pass: the
 * composite for ReLU is a comparison into a fresh BOOL mask and then a select into a fresh output (two passes and
 * two allocations over every activation of the network, each step). The arithmetic is the composite's, operation
 * for operation and without fused multiply-adds, so the results are identical: ReLU {@code y > 0 ? g : 0},
 * sigmoid {@code g·(y·(1 − y))}, tanh {@code g·(1 − y·y)}.
 */
final class ActivationGrad {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private ActivationGrad() {
    }

    static boolean run(UnaryOp act, View g, View y, View out) {
        if (act != UnaryOp.RELU && act != UnaryOp.SIGMOID && act != UnaryOp.TANH) return false;
        Object ga = ((HeapStorage) g.storage()).array(), ya = ((HeapStorage) y.storage()).array(),
                oa = ((HeapStorage) out.storage()).array();
        Strided w = Strided.of(out.shape(), g.layout().strides(), y.layout().strides(), out.layout().strides());
        int[] base = {g.layout().offset(), y.layout().offset(), out.layout().offset()};
        w.parallel(CpuBackend.GRAIN, base, (p, n) -> {
            int gs = w.stride(0), ys = w.stride(1), os = w.stride(2);
            switch (out.dtype()) {
                case F32 -> run(act, (float[]) ga, p[0], gs, (float[]) ya, p[1], ys, (float[]) oa, p[2], os, n);
                case F64 -> run(act, (double[]) ga, p[0], gs, (double[]) ya, p[1], ys, (double[]) oa, p[2], os, n);
                case I32, I8, BOOL -> throw new AssertionError("core sends only floating tensors");
            }
        });
        return true;
    }

    private static void run(UnaryOp act, float[] g, int go, int gs, float[] y, int yo, int ys, float[] o, int oo, int os, int n) {
        int i = 0;
        if (gs == 1 && ys == 1 && os == 1) {
            FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1);
            for (; i < F.loopBound(n); i += F.length()) {
                FloatVector gv = FloatVector.fromArray(F, g, go + i), yv = FloatVector.fromArray(F, y, yo + i);
                (switch (act) {
                    case RELU -> zero.blend(gv, yv.compare(GT, zero));
                    case SIGMOID -> gv.mul(yv.mul(one.sub(yv)));
                    default -> gv.mul(one.sub(yv.mul(yv)));
                }).intoArray(o, oo + i);
            }
        }
        for (; i < n; i++) {
            float gv = g[go + i * gs], yv = y[yo + i * ys];
            o[oo + i * os] = switch (act) {
                case RELU -> yv > 0 ? gv : 0;
                case SIGMOID -> gv * (yv * (1 - yv));
                default -> gv * (1 - yv * yv);
            };
        }
    }

    private static void run(UnaryOp act, double[] g, int go, int gs, double[] y, int yo, int ys, double[] o, int oo, int os, int n) {
        int i = 0;
        if (gs == 1 && ys == 1 && os == 1) {
            DoubleVector zero = DoubleVector.zero(D), one = DoubleVector.broadcast(D, 1);
            for (; i < D.loopBound(n); i += D.length()) {
                DoubleVector gv = DoubleVector.fromArray(D, g, go + i), yv = DoubleVector.fromArray(D, y, yo + i);
                (switch (act) {
                    case RELU -> zero.blend(gv, yv.compare(GT, zero));
                    case SIGMOID -> gv.mul(yv.mul(one.sub(yv)));
                    default -> gv.mul(one.sub(yv.mul(yv)));
                }).intoArray(o, oo + i);
            }
        }
        for (; i < n; i++) {
            double gv = g[go + i * gs], yv = y[yo + i * ys];
            o[oo + i * os] = switch (act) {
                case RELU -> yv > 0 ? gv : 0;
                case SIGMOID -> gv * (yv * (1 - yv));
                default -> gv * (1 - yv * yv);
            };
        }
    }
}
