package org.jgrad.nn;

import static org.jgrad.nn.PyTorchReference.inputs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jgrad.DType;
import org.jgrad.Functional;
import org.jgrad.Reduction;
import org.jgrad.Rng;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/** What each layer computes (its gradients are LayerGradTest's): values, shapes, modes and errors. */
class LayersTest {
    @Test
    void linearIsXTimesWTransposedPlusB() {
        Linear l = new Linear(2, 3, new Rng(1));
        l.loadStateDict(Map.of("weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2), "bias", Tensor.of(new float[] {1, 0, -1}, 3)));
        assertArrayEquals(new float[] {7, 13, 19}, l.forward(Tensor.of(new float[] {1, 2.5f}, 1, 2)).toFloatArray());
        assertNull(new Linear(2, 3, false, new Rng(2)).bias());
        assertEquals("Linear(in_features=2, out_features=3, bias=true)", l.toString());
    }

    @Test
    void conv2dOutputShapesFollowStridePaddingDilation() {
        Conv2d c = new Conv2d(4, 6, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}, 2, true, new Rng(3));
        // H: (9 + 2 − 3)/2 + 1 = 5; W: (8 − 2·1 − 1)/1 + 1 = 6
        assertArrayEquals(new int[] {2, 6, 5, 6}, c.forward(Tensor.zeros(2, 4, 9, 8)).shape());
        assertArrayEquals(new int[] {6, 2, 3, 2}, c.weight().shape());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, new int[] {3, 3}, new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 1}, 2, true, new Rng(4)));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 0, new Rng(4)));
    }

    @Test
    void adaptiveAvgPoolMatchesPyTorchBins() {
        // 5×7 to 3×4 and 2×5: bins that overlap and differ in size (pytorch_reference.py)
        Tensor x = inputs(0, 2, 2, 5, 7);
        assertArrayEquals(PyTorchReference.ADAPTIVE_3X4, new AdaptiveAvgPool2d(3, 4).forward(x).toDoubleArray(), 1e-12);
        assertArrayEquals(PyTorchReference.ADAPTIVE_2X5, new AdaptiveAvgPool2d(2, 5).forward(x).toDoubleArray(), 1e-12);
        assertArrayEquals(x.mean(new int[] {2, 3}, true).toDoubleArray(), new AdaptiveAvgPool2d(1).forward(x).toDoubleArray(), 1e-12);
        assertArrayEquals(Functional.avgPool2d(inputs(1, 1, 2, 6, 4), 2).toDoubleArray(),
                new AdaptiveAvgPool2d(3, 2).forward(inputs(1, 1, 2, 6, 4)).toDoubleArray(), 1e-12);
        assertEquals(DType.F32, new AdaptiveAvgPool2d(2).forward(Tensor.zeros(1, 1, 3, 3)).dtype());
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(2).forward(Tensor.zeros(3, 3)));
    }

    @Test
    void poolsTakeWindowMaximaAndMeans() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 1, 1, 4, 4);
        assertArrayEquals(new float[] {6, 8, 14, 16}, new MaxPool2d(2).forward(x).toFloatArray());
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, new AvgPool2d(2).forward(x).toFloatArray());
        // 3×3 windows, stride 2, padding 1: the corner window sees 1, 2, 5, 6 plus five padded zeros
        assertEquals(14 / 9f, new AvgPool2d(3, 2, 1).forward(x).toFloatArray()[0], 1e-6);
        assertEquals(14 / 4f, new AvgPool2d(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, false).forward(x).toFloatArray()[0], 1e-6);
        assertArrayEquals(new float[] {6, 8, 14, 16}, new MaxPool2d(3, 2, 1).forward(x).toFloatArray());
    }

    @Test
    void dropoutZeroesAboutPAndScalesTheRestInTrainingOnly() {
        Tensor x = Tensor.ones(100, 100);
        Dropout d = new Dropout(0.3, new Rng(5));
        float[] y = d.forward(x).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0) zeros++;
            else assertEquals(1 / 0.7f, v, 1e-6);
        }
        // 10,000 Bernoulli(0.3) draws: standard deviation √(10⁴·0.21) ≈ 46, so five of them is 230
        assertEquals(3000, zeros, 230);
        assertArrayEquals(y, new Dropout(0.3, new Rng(5)).forward(x).toFloatArray(), "the same seed, the same mask");
        assertTrue(!Arrays.equals(y, d.forward(x).toFloatArray()), "the next call draws a new mask");
        d.eval();
        assertSame(x, d.forward(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
    }

    @Test
    void embeddingPicksRows() {
        Embedding e = new Embedding(4, 3, new Rng(6));
        Tensor out = e.forward(Tensor.of(new int[] {3, 0, 3}, 3));
        assertArrayEquals(e.weight().select(0, 3).toFloatArray(), out.select(0, 0).toFloatArray());
        assertArrayEquals(e.weight().select(0, 0).toFloatArray(), out.select(0, 1).toFloatArray());
        assertArrayEquals(new int[] {2, 1, 3}, e.forward(Tensor.of(new int[] {1, 2}, 2, 1)).shape());
    }

    @Test
    void layerNormNormalisesTheTrailingDimensions() {
        LayerNorm ln = new LayerNorm(2, 3);
        Tensor y = ln.forward(inputs(0, 4, 2, 3).to(DType.F32));
        assertArrayEquals(new float[4], y.mean(1, 2).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 1, 1, 1}, y.var(new int[] {1, 2}, 0, false).toFloatArray(), 1e-3f);
        assertEquals(List.of("weight", "bias"), List.copyOf(ln.stateDict().keySet()));
        assertEquals(List.of(), List.copyOf(new LayerNorm(new int[] {3}, 1e-5, false).stateDict().keySet()));
    }

    @Test
    void flattenAndActivations() {
        Tensor x = Tensor.of(new float[] {-2, -0.5f, 0, 1, 3, -1}, 1, 2, 3);
        assertArrayEquals(new int[] {1, 6}, new Flatten().forward(x).shape());
        assertArrayEquals(new int[] {2, 3}, new Flatten(0, 1).forward(x).shape());
        assertArrayEquals(new float[] {0, 0, 0, 1, 3, 0}, new ReLU().forward(x).toFloatArray());
        assertArrayEquals(new float[] {-0.02f, -0.005f, 0, 1, 3, -0.01f}, new LeakyReLU().forward(x).toFloatArray(), 1e-7f);
        assertArrayEquals(x.gelu().toFloatArray(), new GELU().forward(x).toFloatArray());
        assertArrayEquals(x.silu().toFloatArray(), new SiLU().forward(x).toFloatArray());
        assertArrayEquals(x.tanh().toFloatArray(), new Tanh().forward(x).toFloatArray());
        assertArrayEquals(x.sigmoid().toFloatArray(), new Sigmoid().forward(x).toFloatArray());
        assertArrayEquals(new float[] {1, 1}, new Softmax(-1).forward(x).sum(2).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 1, 1}, new Softmax(1).forward(x).sum(1).toFloatArray(), 1e-6f);
        assertArrayEquals(new Softmax(2).forward(x).log().toFloatArray(), new LogSoftmax(2).forward(x).toFloatArray(), 1e-6f);
    }

    @Test
    void lossesBindFunctionalOptions() {
        Tensor logits = inputs(0, 4, 3), target = Tensor.of(new int[] {2, 0, 1, -1}, 4);
        assertEquals(Functional.crossEntropy(logits, target, 0.1, -1, Reduction.SUM).item(),
                Loss.crossEntropy(0.1, -1, Reduction.SUM).apply(logits, target).item());
        Tensor valid = Tensor.of(new int[] {2, 0, 1, 1}, 4);
        assertEquals(Functional.crossEntropy(logits, valid).item(), Loss.crossEntropy().apply(logits, valid).item());
        assertEquals(Functional.nllLoss(logits.logSoftmax(1), valid).item(), Loss.nll().apply(logits.logSoftmax(1), valid).item());
        Tensor y = inputs(1, 4, 3), p = inputs(2, 4, 3).sigmoid();
        assertEquals(Functional.mseLoss(logits, y).item(), Loss.mse().apply(logits, y).item());
        assertEquals(Functional.l1Loss(logits, y).item(), Loss.l1().apply(logits, y).item());
        assertEquals(Functional.bceWithLogits(logits, p).item(), Loss.bceWithLogits().apply(logits, p).item());
        assertArrayEquals(new int[] {4, 3}, Loss.mse(Reduction.NONE).apply(logits, y).shape());
        assertThrows(IllegalArgumentException.class, () -> Loss.crossEntropy(1.5, -100, Reduction.MEAN));
    }
}
