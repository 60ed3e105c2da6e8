package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.jgrad.Activation;
import org.jgrad.Autograd;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fused activation gradient equals its composite definition (written out here in Tensor ops, on the same
 * backend and the same activation output) bit for bit: the same operations, no fused multiply-adds. F32 and F64,
 * dense (the vector loop and its tail) and strided, with zeros, NaN and ±∞ in both the activation's input and the
 * incoming gradient; the fused node runs.
 */
final class ActivationGradTest {
    private static final Device CPU = Device.cpu();

    private static double[] values(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(30);
            v[i] = switch (pick) {
                case 0 -> Double.NaN;
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> Double.NEGATIVE_INFINITY;
                case 3, 4 -> 0;
                case 5 -> -0.0;
                default -> r.nextDouble() * 8 - 4;
            };
        }
        return v;
    }

    @Test
    void fusedActivationGradientsEqualTheCompositeBitForBit() {
        SplittableRandom r = new SplittableRandom(11);
        for (DType t : new DType[] {DType.F32, DType.F64})
            for (Activation act : new Activation[] {Activation.RELU, Activation.SIGMOID, Activation.TANH})
                for (int n : new int[] {1, 15, 16, 17, 100, 70_000}) {
                    Tensor x = Tensor.of(values(r, 2 * n), 2, n).to(t), g = Tensor.of(values(r, 2 * n), n, 2).to(t);
                    for (boolean strided : new boolean[] {false, true}) {
                        Tensor gv = strided ? g.transpose(0, 1) : g.reshape(2, n);
                        Tensor xc = x.to(CPU).detach().requiresGrad(true), y = act.apply(xc.detach()), gc = gv.to(CPU);
                        Tensor fused = Autograd.grad(act.apply(xc), gc, List.of(xc), false, false)[0];
                        Tensor composite = switch (act) {
                            case RELU -> Tensor.where(y.gt(0), gc, Tensor.zerosLike(gc));
                            case SIGMOID -> gc.mul(y.mul(y.neg().add(1)));
                            default -> gc.mul(y.square().neg().add(1));
                        };
                        double[] e = composite.toDoubleArray(), a = fused.toDoubleArray();
                        for (int i = 0; i < e.length; i++)
                            assertEquals(e[i], a[i], 0, act + " " + t + " n=" + n + (strided ? " strided" : "") + " at " + i);
                        Tensor graph = Autograd.grad(act.apply(xc), gv.to(CPU), List.of(xc), true, true)[0];
                        assertEquals("activationGrad", graph.gradFn(), "the fused node ran");
                    }
                }
    }
}
