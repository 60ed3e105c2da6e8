package org.jgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Grad;
import org.jgrad.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A small MLP trained on the device with core ops and a hand-written SGD with momentum, on a backend instance of its
 * own so that its buffer and transfer counts are this test's alone: a step moves no data to the host (nor does a
 * classifier's step through the indexed ops, whose index ranges the device checks), and after 1,000 steps the only
 * live buffers are the parameters, the momentum buffers and the data.
 */
final class OpenClTrainingTest {
    private OpenClBackend backend;
    private Device device;
    private Tensor x, y;
    private Tensor[] params, momentum;

    @BeforeEach
    void setUp() {
        OpenClTests.device();
        backend = new OpenClBackend(Discovery.result().device());
        device = Device.of(backend);
        x = Tensor.randn(1, 32, 16).to(device);
        y = Tensor.randn(2, 32, 4).to(device);
        train(Tensor.randn(3, 16, 24).mul(0.25), Tensor.zeros(24), Tensor.randn(4, 24, 4).mul(0.2), Tensor.zeros(4));
    }

    /** Makes these (host) tensors the parameters, on the device, with zero momentum. */
    private void train(Tensor... initial) {
        params = new Tensor[initial.length];
        momentum = new Tensor[initial.length];
        for (int k = 0; k < initial.length; k++) {
            params[k] = initial[k].to(device).detach().requiresGrad(true);
            momentum[k] = Tensor.zerosLike(params[k]);
        }
    }

    @AfterEach
    void tearDown() {
        if (backend != null) backend.close();
    }

    /** Forward, backward and {@code v = 0.9·v + g; w -= 0.05·v}; returns the loss, still on the device. */
    private Tensor step() {
        Tensor h = x.matmul(params[0]).add(params[1]).relu();
        return update(Functional.mseLoss(h.matmul(params[2]).add(params[3]), y));
    }

    private Tensor update(Tensor loss) {
        loss.backward();
        try (var off = Grad.disabled()) {
            for (int k = 0; k < params.length; k++) {
                momentum[k].mulInPlace(0.9).addInPlace(params[k].grad());
                params[k].subInPlace(momentum[k].mul(0.05));
                params[k].setGrad(null);
            }
        }
        return loss;
    }

    @Test
    void aTrainingStepOnTheDeviceMakesNoDownload() {
        step();
        long down = backend.downloads(), up = backend.uploads();
        Tensor loss = step();
        assertEquals(down, backend.downloads(), "downloads during one step");
        assertEquals(up, backend.uploads(), "uploads during one step");
        assertTrue(Double.isFinite(loss.item()));
        assertEquals(down + 1, backend.downloads(), "item() is the one download");
    }

    /**
     * A classifier whose step runs every op that indexes by tensor values: embedding (indexSelect, gather, and
     * scatterAdd backward), batchNorm, maxPool2d (argmax and gather, scatterAdd backward), oneHot, and crossEntropy
     * and nllLoss (gather), then the momentum update.
     */
    @Test
    void aClassifierStepThroughTheIndexedOpsMakesNoTransfer() {
        Tensor tokens = Tensor.of(new int[] {3, 0, 7, 7, 1, 5, 2, 6}, 8).to(device);
        Tensor classes = Tensor.of(new int[] {0, 3, 1, 2, 3, 3, 0, 1}, 8).to(device);
        Tensor runningMean = Tensor.zeros(4).to(device), runningVar = Tensor.ones(4).to(device);
        train(Tensor.randn(5, 8, 16), Tensor.randn(6, 4, 4).mul(0.5), Tensor.zeros(4));
        Runnable classifierStep = () -> {
            Tensor e = Functional.embedding(tokens, params[0]).reshape(8, 4, 2, 2);            // [N, C, H, W]
            Tensor b = Functional.batchNorm(e, runningMean, runningVar, null, null, true, 0.1, 1e-5);
            Tensor pooled = Functional.maxPool2d(b.add(e), 2).reshape(8, 4);
            Tensor logits = pooled.matmul(params[1]).add(params[2]);
            Tensor hint = classes.oneHot(4).to(DType.F32).mul(0.01);
            update(Functional.crossEntropy(logits.add(hint), classes)
                    .add(Functional.nllLoss(Functional.logSoftmax(logits, 1), classes).mul(0.5)));
        };
        classifierStep.run();
        long down = backend.downloads(), up = backend.uploads();
        classifierStep.run();
        classifierStep.run();
        assertEquals(down, backend.downloads(), "downloads during two classifier steps");
        assertEquals(up, backend.uploads(), "uploads during two classifier steps");
        device.synchronize();      // and no index was out of range
    }

    @Test
    void after1000StepsOnlyParametersMomentumAndDataHoldBuffers() throws InterruptedException {
        double first = step().item(), last = first;
        for (int i = 1; i < 1000; i++) {
            Tensor loss = step();
            if (i == 999) last = loss.item();
        }
        assertTrue(last < first, "training lowers the loss: " + first + " -> " + last);
        int expected = 2 * params.length + 2;
        for (int tries = 0; tries < 100 && backend.liveBuffers() > expected; tries++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(expected, backend.liveBuffers(), "live device buffers: parameters, momentum, x and y");
    }
}
