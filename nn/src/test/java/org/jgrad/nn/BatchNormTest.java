package org.jgrad.nn;

import static org.jgrad.nn.PyTorchReference.inputs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jgrad.DType;
import org.jgrad.Grad;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/** BatchNorm1d/2d against PyTorch 1.13's numbers, and GhostBatchNorm against BatchNorm per virtual batch. */
class BatchNormTest {
    private static final double TOL = 1e-12;

    /** In F64, weight {@code 0.5 + 0.25c} and bias {@code 0.1c − 0.2}, as pytorch_reference.py sets them. */
    private static <B extends BatchNorm> B prepared(B bn) {
        bn.to(DType.F64);
        int c = bn.weight().size(0);
        double[] w = new double[c], b = new double[c];
        for (int i = 0; i < c; i++) {
            w[i] = 0.5 + 0.25 * i;
            b[i] = 0.1 * i - 0.2;
        }
        try (var off = Grad.disabled()) {
            bn.weight().copyFrom(Tensor.of(w, c));
            bn.bias().copyFrom(Tensor.of(b, c));
        }
        return bn;
    }

    /** Three training steps then one evaluation forward, as the generator runs them, against its numbers. */
    private static void matchesPyTorch(BatchNorm bn, int[] shape, double[] trainOut0, double[] mean, double[] var,
            int batches, double[] evalOut) {
        prepared(bn);
        assertArrayEquals(trainOut0, bn.forward(inputs(0, shape)).toDoubleArray(), TOL, "first training output");
        bn.forward(inputs(1, shape));
        bn.forward(inputs(2, shape));
        assertArrayEquals(mean, bn.runningMean().toDoubleArray(), TOL, "running_mean");
        assertArrayEquals(var, bn.runningVar().toDoubleArray(), TOL, "running_var (unbiased)");
        assertEquals(batches, bn.numBatchesTracked().item());
        assertEquals(0, bn.numBatchesTracked().rank());
        bn.eval();
        assertArrayEquals(evalOut, bn.forward(inputs(3, shape)).toDoubleArray(), TOL, "evaluation output");
    }

    @Test
    void batchNorm2dMatchesPyTorch() {
        matchesPyTorch(new BatchNorm2d(3), new int[] {4, 3, 2, 2}, PyTorchReference.BN2D_TRAIN_OUT0,
                PyTorchReference.BN2D_RUNNING_MEAN, PyTorchReference.BN2D_RUNNING_VAR, PyTorchReference.BN2D_BATCHES,
                PyTorchReference.BN2D_EVAL_OUT);
    }

    @Test
    void batchNorm1dMatchesPyTorchOnFeaturesAndSequences() {
        matchesPyTorch(new BatchNorm1d(3), new int[] {5, 3}, PyTorchReference.BN1D_TRAIN_OUT0,
                PyTorchReference.BN1D_RUNNING_MEAN, PyTorchReference.BN1D_RUNNING_VAR, PyTorchReference.BN1D_BATCHES,
                PyTorchReference.BN1D_EVAL_OUT);
        matchesPyTorch(new BatchNorm1d(2), new int[] {3, 2, 4}, PyTorchReference.BN1D_SEQ_TRAIN_OUT0,
                PyTorchReference.BN1D_SEQ_RUNNING_MEAN, PyTorchReference.BN1D_SEQ_RUNNING_VAR,
                PyTorchReference.BN1D_SEQ_BATCHES, PyTorchReference.BN1D_SEQ_EVAL_OUT);
    }

    @Test
    void ghostBatchNormIsBatchNormAppliedToEachVirtualBatchInTurn() {
        // 10 samples in virtual batches of 4, 4 and 2: outputs, running statistics and counter all agree
        GhostBatchNorm ghost = prepared(new GhostBatchNorm(3, 4));
        BatchNorm2d plain = prepared(new BatchNorm2d(3));
        for (int step = 0; step < 2; step++) {
            Tensor x = inputs(step, 10, 3, 2, 2);
            Tensor expected = Tensor.cat(0, plain.forward(x.narrow(0, 0, 4)), plain.forward(x.narrow(0, 4, 4)),
                    plain.forward(x.narrow(0, 8, 2)));
            assertArrayEquals(expected.toDoubleArray(), ghost.forward(x).toDoubleArray(), TOL, "step " + step);
        }
        assertArrayEquals(plain.runningMean().toDoubleArray(), ghost.runningMean().toDoubleArray(), TOL);
        assertArrayEquals(plain.runningVar().toDoubleArray(), ghost.runningVar().toDoubleArray(), TOL);
        assertEquals(6, ghost.numBatchesTracked().item());
        // the virtual batches really are normalised apart: not what one batch norm over all 10 samples gives
        Tensor x = inputs(5, 10, 3, 2, 2);
        assertTrue(maxDiff(prepared(new GhostBatchNorm(3, 4)).forward(x), prepared(new BatchNorm2d(3)).forward(x)) > 0.1);
        ghost.eval();
        plain.eval();
        assertArrayEquals(plain.forward(x).toDoubleArray(), ghost.forward(x).toDoubleArray(), TOL, "evaluation");
    }

    @Test
    void ghostBatchNormOfOneVirtualBatchIsBatchNorm() {
        Tensor x = inputs(0, 5, 3);
        GhostBatchNorm ghost = prepared(new GhostBatchNorm(3, 8));
        BatchNorm1d plain = prepared(new BatchNorm1d(3));
        assertArrayEquals(plain.forward(x).toDoubleArray(), ghost.forward(x).toDoubleArray(), TOL);
        assertArrayEquals(plain.runningVar().toDoubleArray(), ghost.runningVar().toDoubleArray(), TOL);
        assertEquals(1, ghost.numBatchesTracked().item());
    }

    private static double maxDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item();
    }

    @Test
    void withoutTrackingBatchStatisticsAreUsedInBothModes() {
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5, 0.1, false, false);
        assertEquals(List.of(), List.copyOf(bn.stateDict().keySet()));
        assertNull(bn.runningMean());
        Tensor x = inputs(0, 3, 2, 2, 2);
        Tensor train = bn.forward(x);
        assertArrayEquals(train.toDoubleArray(), bn.eval().forward(x).toDoubleArray(), TOL);
        // mean 0 and biased variance 1 per channel
        assertArrayEquals(new double[] {0, 0}, train.mean(0, 2, 3).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {1, 1}, train.var(new int[] {0, 2, 3}, 0, false).toDoubleArray(), 1e-4);
    }

    @Test
    void momentumWeighsTheNewBatch() {
        // momentum 0 keeps the running statistics; momentum 1 replaces them by the batch's (variance unbiased)
        Tensor x = inputs(0, 4, 2);
        BatchNorm1d frozen = new BatchNorm1d(2, 1e-5, 0, true, true), last = new BatchNorm1d(2, 1e-5, 1, true, true);
        frozen.to(DType.F64).forward(x);
        last.to(DType.F64).forward(x);
        assertArrayEquals(new double[] {0, 0}, frozen.runningMean().toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, frozen.runningVar().toDoubleArray());
        assertArrayEquals(x.mean(0).toDoubleArray(), last.runningMean().toDoubleArray(), TOL);
        assertArrayEquals(x.var(new int[] {0}, 1, false).toDoubleArray(), last.runningVar().toDoubleArray(), TOL);
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(2, 1e-5, 1.5, true, true));
    }

    @Test
    void evaluationDoesNotTouchTheRunningStatistics() {
        BatchNorm2d bn = new BatchNorm2d(2);
        bn.eval().forward(Tensor.rand(1, 3, 2, 2, 2));
        assertArrayEquals(new float[] {0, 0}, bn.runningMean().toFloatArray());
        assertEquals(0, bn.numBatchesTracked().item());
    }

    @Test
    void wrongShapesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Tensor.zeros(2, 4, 2, 2)));
        assertTrue(e.getMessage().contains("BatchNorm2d: expected 3 channels in axis 1, got tensor [2, 4, 2, 2] F32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("BatchNorm2d: input must be [N, C, H, W], got tensor [2, 3] F32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Tensor.zeros(2, 3, 1, 1)));
        assertTrue(e.getMessage().contains("[N, C] or [N, C, L]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GhostBatchNorm(3, 0));
    }

    @Test
    void aBatchTooSmallForStatisticsChangesNothing() {
        // one sample of [N, C]: no variance to take; for GhostBatchNorm 7 = 3 + 3 + 1 leaves one in the last batch
        BatchNorm1d bn = new BatchNorm1d(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.ones(1, 2)));
        assertTrue(e.getMessage().contains("more than one value per channel"), e.getMessage());
        assertEquals(0, bn.numBatchesTracked().item());
        GhostBatchNorm ghost = new GhostBatchNorm(2, 3);
        e = assertThrows(IllegalArgumentException.class, () -> ghost.forward(Tensor.rand(1, 7, 2)));
        assertTrue(e.getMessage().contains("the last virtual batch of tensor [7, 2] F32 (virtual batch size 3) is tensor [1, 2] F32"),
                e.getMessage());
        assertEquals(0, ghost.numBatchesTracked().item());
        assertArrayEquals(new float[] {0, 0}, ghost.runningMean().toFloatArray());
        assertArrayEquals(new int[] {8, 2}, ghost.forward(Tensor.rand(1, 8, 2)).shape());
    }
}
