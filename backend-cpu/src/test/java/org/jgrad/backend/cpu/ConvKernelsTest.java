package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The fused F32 convolution kernels against core's composite on the reference backend in F64: output, input gradient,
 * weight gradient and bias gradient, each within the rounding bound of its sums ({@code 4·L·2⁻²⁴·Σ|terms|} for
 * reductions of length L, Σ|terms| being the same computation on absolute values). Shapes: the convnet's two layers,
 * and random geometries (padding, dilation, groups, kernels wider than tall, one-pixel planes) on dense, transposed
 * and narrowed inputs, permuted weights and gradients, on one thread and on two, where the results must be equal bit
 * for bit; and planes wider than the GEMM's column block.
 */
final class ConvKernelsTest {
    private static final int THREADS_BEFORE = Parallel.threads();
    private static final Device CPU = Device.cpu(), REF = Device.reference();

    @AfterAll
    static void restoreThreads() {
        Parallel.setThreads(THREADS_BEFORE);
    }

    /** Output and the three gradients of {@code Σ g·conv2d(x, w, b)}. */
    private record Result(Tensor y, Tensor gx, Tensor gw, Tensor gb) {
        Tensor[] all() {
            return new Tensor[] {y, gx, gw, gb};
        }
    }

    private static Result run(Tensor x, Tensor w, Tensor b, Tensor g, int[] pad, int[] dil, int groups) {
        x = x.detach().requiresGrad(true);
        w = w.detach().requiresGrad(true);
        b = b.detach().requiresGrad(true);
        Tensor y = Functional.conv2d(x, w, b, new int[] {1, 1}, pad, dil, groups);
        y.mul(g).sum().backward();
        return new Result(y.detach(), x.grad(), w.grad(), b.grad());
    }

    /** x, w, b, g as given (F32 values, any layout) on the cpu backend, and as dense F64 copies on the reference. */
    private static void check(Tensor x, Tensor w, Tensor b, Tensor g, int[] pad, int[] dil, int groups, String what) {
        Result fused = run(x.to(CPU), w.to(CPU), b.to(CPU), g.to(CPU), pad, dil, groups);
        assertEquals("conv2d", Functional.conv2d(x.to(CPU), w.to(CPU).requiresGrad(true), b.to(CPU), new int[] {1, 1}, pad, dil,
                groups).gradFn(), "the fused node ran: " + what);
        Result exact = run(x.to(DType.F64).to(REF), w.to(DType.F64).to(REF), b.to(DType.F64).to(REF), g.to(DType.F64).to(REF),
                pad, dil, groups);
        Result bound = run(x.to(DType.F64).abs().to(REF), w.to(DType.F64).abs().to(REF), b.to(DType.F64).abs().to(REF),
                g.to(DType.F64).abs().to(REF), pad, dil, groups);
        int[] lengths = {w.numel() / w.size(0) + 1, w.size(0) / groups * w.size(2) * w.size(3),
                g.size(0) * g.size(2) * g.size(3), g.size(0) * g.size(2) * g.size(3)};
        String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
        for (int r = 0; r < 4; r++) {
            double[] e = exact.all()[r].toDoubleArray(), a = fused.all()[r].toDoubleArray(), m = bound.all()[r].toDoubleArray();
            assertEquals(e.length, a.length, what + " " + names[r]);
            for (int i = 0; i < e.length; i++) {
                double tol = 4.0 * (lengths[r] + 2) * 0x1p-24 * m[i] + 1e-30;
                assertTrue(Math.abs(e[i] - a[i]) <= tol, what + " " + names[r] + " at " + i + ": exact " + e[i]
                        + ", fused " + a[i] + ", bound " + tol);
            }
        }
    }

    private static Tensor f32(SplittableRandom r, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.of(v, shape);
    }

    @Test
    void theConvnetsLayersMatchTheCompositeOnOneAndTwoThreadsAndAgreeBitForBit() {
        SplittableRandom r = new SplittableRandom(3);
        int[][] layers = {{6, 1, 28, 28, 32}, {6, 32, 14, 14, 64}};      // n, c, h, w, o (the convnet at batch 6)
        for (int[] l : layers) {
            Tensor x = f32(r, l[0], l[1], l[2], l[3]), w = f32(r, l[4], l[1], 3, 3), b = f32(r, l[4]);
            Tensor g = f32(r, l[0], l[4], l[2], l[3]);
            Result[] byThreads = new Result[2];
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                check(x, w, b, g, new int[] {1, 1}, new int[] {1, 1}, 1, "layer " + l[1] + "→" + l[4] + ", " + threads + " threads");
                byThreads[threads - 1] = run(x.to(CPU), w.to(CPU), b.to(CPU), g.to(CPU), new int[] {1, 1}, new int[] {1, 1}, 1);
            }
            for (int i = 0; i < 4; i++)
                assertEquals(java.util.Arrays.toString(byThreads[0].all()[i].toFloatArray()),
                        java.util.Arrays.toString(byThreads[1].all()[i].toFloatArray()), "1 and 2 threads, result " + i);
        }
    }

    @Test
    void randomGeometriesAndLayoutsMatchTheComposite() {
        SplittableRandom r = new SplittableRandom(20261127);
        for (int round = 0; round < 40; round++) {
            Parallel.setThreads(1 + round % 2);
            int groups = r.nextInt(1, 4), cg = r.nextInt(1, 4), og = r.nextInt(1, 5), n = r.nextInt(1, 5);
            int[] k = {r.nextInt(1, 4), r.nextInt(1, 5)}, dil = {r.nextInt(1, 3), r.nextInt(1, 3)},
                    pad = {r.nextInt(0, 3), r.nextInt(0, 3)};
            int h = Math.max(1, dil[0] * (k[0] - 1) + 1 - 2 * pad[0]) + r.nextInt(0, 6);
            int wd = Math.max(1, dil[1] * (k[1] - 1) + 1 - 2 * pad[1]) + r.nextInt(0, 6);
            int oh = h + 2 * pad[0] - dil[0] * (k[0] - 1), ow = wd + 2 * pad[1] - dil[1] * (k[1] - 1);
            int layout = round % 3;
            // dense; H and W swapped in memory (x, the weight's KH/KW and the gradient); or narrowed views
            Tensor x = switch (layout) {
                case 0 -> f32(r, n, groups * cg, h, wd);
                case 1 -> f32(r, n, groups * cg, wd, h).transpose(2, 3);
                default -> f32(r, n + 1, groups * cg + 1, h + 2, wd + 3).narrow(0, 1, n).narrow(1, 1, groups * cg)
                        .narrow(2, 2, h).narrow(3, 1, wd);
            };
            Tensor w = layout == 1 ? f32(r, groups * og, cg, k[1], k[0]).transpose(2, 3) : f32(r, groups * og, cg, k[0], k[1]);
            Tensor g = layout == 1 ? f32(r, n, groups * og, ow, oh).transpose(2, 3) : f32(r, n, groups * og, oh, ow);
            Tensor b = layout == 2 ? f32(r, 2 * groups * og).narrow(0, groups * og, groups * og) : f32(r, groups * og);
            check(x, w, b, g, pad, dil, groups, "round " + round + ": n " + n + ", groups " + groups + ", cg " + cg + ", og "
                    + og + ", " + h + "×" + wd + ", kernel " + k[0] + "×" + k[1] + ", pad " + pad[0] + "," + pad[1]
                    + ", dilation " + dil[0] + "," + dil[1] + ", layout " + layout);
        }
    }

    @Test
    void planesWiderThanTheGemmsColumnBlockMatchTheComposite() {
        // 50×50 planes: more output positions per image than the GEMM's NC = 2048 columns, on both numberings
        // (4 input channels: the padded width; 1 input channel and 16 outputs: exact, written in place)
        SplittableRandom r = new SplittableRandom(5);
        for (int[] l : new int[][] {{4, 6}, {1, 16}}) {
            Tensor x = f32(r, 2, l[0], 50, 50), w = f32(r, l[1], l[0], 3, 3), b = f32(r, l[1]), g = f32(r, 2, l[1], 50, 50);
            check(x, w, b, g, new int[] {1, 1}, new int[] {1, 1}, 1, l[0] + "→" + l[1] + " channels on 50×50");
        }
    }

    @Test
    void stridesOtherThanOneAndF64RunTheComposite() {
        Tensor x = Tensor.randn(1, 2, 3, 9, 9).to(CPU), w = Tensor.randn(2, 4, 3, 3, 3).to(CPU).requiresGrad(true);
        assertEquals("conv2d", Functional.conv2d(x, w, null, 1, 1).gradFn());
        assertTrue(!"conv2d".equals(Functional.conv2d(x, w, null, 2, 1).gradFn()), "stride 2 goes to the composite");
        assertTrue(!"conv2d".equals(Functional.conv2d(x.to(DType.F64), w.detach().to(DType.F64).requiresGrad(true), null, 1, 1)
                .gradFn()), "F64 goes to the composite");
    }
}
