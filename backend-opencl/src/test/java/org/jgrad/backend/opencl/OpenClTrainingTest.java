package org.jgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Grad;
import org.jgrad.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A small MLP trained on the device with core ops and a hand-written SGD with momentum, on a backend instance of its
 * own so that its buffer and transfer counts are this test's alone: a step moves no data to the host, and after
 * 1,000 steps the only live buffers are the parameters, the momentum buffers and the data.
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
        params = new Tensor[] {Tensor.randn(3, 16, 24).mul(0.25).to(device).detach(), Tensor.zeros(24).to(device).detach(),
                Tensor.randn(4, 24, 4).mul(0.2).to(device).detach(), Tensor.zeros(4).to(device).detach()};
        momentum = new Tensor[params.length];
        for (int k = 0; k < params.length; k++) {
            params[k].requiresGrad(true);
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
        Tensor loss = Functional.mseLoss(h.matmul(params[2]).add(params[3]), y);
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
