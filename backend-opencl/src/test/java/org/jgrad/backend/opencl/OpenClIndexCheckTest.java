package org.jgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Index ranges on the device: the indexed ops queue without reading their indices back, a bad index is skipped, and
 * the next host read (or {@link Device#synchronize}) raises it once, naming the op the user called, the primitive,
 * the index and the axis size; the backend goes on working. A backend of its own, so that no other test's record can leak in or out.
 */
final class OpenClIndexCheckTest {
    private OpenClBackend backend;
    private Device device;

    @BeforeEach
    void setUp() {
        OpenClTests.device();
        backend = new OpenClBackend(Discovery.result().device());
        device = Device.of(backend);
    }

    @AfterEach
    void tearDown() {
        if (backend != null) backend.close();
    }

    @Test
    void anOutOfRangeTargetOfCrossEntropyIsRaisedAtTheNextItem() {
        Tensor logits = Tensor.randn(1, 4, 10).to(device).detach().requiresGrad(true);
        Tensor target = Tensor.of(new int[] {1, 12, 3, 0}, 4).to(device);
        long down = backend.downloads();
        Tensor loss = Functional.crossEntropy(logits, target);
        loss.backward();
        assertEquals(down, backend.downloads(), "the op and its gradient read nothing back");
        var e = assertThrows(IllegalStateException.class, loss::item);
        assertEquals("crossEntropy: index 12 is out of range for an axis of size 10 (found on the opencl device by gather;"
                + " raised at the next host read; the out-of-range elements were skipped)", e.getMessage());
        stillWorks();
    }

    @Test
    void gatherSkipsABadIndexWritingZeroAndRaisesItOnce() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).to(device);
        Tensor out = x.gather(1, Tensor.of(new int[] {2, -3, 0, 1}, 2, 2).to(device));
        var e = assertThrows(IllegalStateException.class, out::toFloatArray);
        assertStarts("gather: index -3 is out of range for an axis of size 3 (found on the opencl device by gather;", e);
        assertArrayEquals(new float[] {3, 0, 4, 5}, out.toFloatArray(), "the bad element reads 0; the record is cleared");
        stillWorks();
    }

    @Test
    void scatterAddSkipsABadIndexAndSynchronizeRaisesIt() {
        Tensor dst = Tensor.zeros(3).to(device);
        Tensor sum = dst.scatterAdd(0, Tensor.of(new int[] {0, 3, 0, 2}, 4).to(device), Tensor.ones(4).to(device));
        var e = assertThrows(IllegalStateException.class, device::synchronize);
        assertStarts("scatterAdd: index 3 is out of range for an axis of size 3 (found on the opencl device by scatterAdd;", e);
        device.synchronize();
        assertArrayEquals(new float[] {2, 0, 1}, sum.toFloatArray());
    }

    @Test
    void indexSelectEmbeddingAndOneHotAreNamedWithTheirPrimitive() {
        Tensor w = Tensor.randn(2, 5, 3).to(device);
        Tensor bad = Tensor.of(new int[] {4, 5}, 2).to(device);
        assertStarts("indexSelect: index 5 is out of range for an axis of size 5 (found on the opencl device by gather;",
                assertThrows(IllegalStateException.class, () -> w.indexSelect(0, bad).toFloatArray()));
        assertStarts("embedding: index 5 is out of range for an axis of size 5 (found on the opencl device by gather;",
                assertThrows(IllegalStateException.class, () -> Functional.embedding(bad, w).toFloatArray()));
        assertStarts("oneHot: index 5 is out of range for an axis of size 5 (found on the opencl device by scatterAdd;",
                assertThrows(IllegalStateException.class, () -> bad.oneHot(5).toIntArray()));
        stillWorks();
    }

    private static void assertStarts(String expected, Exception e) {
        assertTrue(e.getMessage().startsWith(expected), () -> "expected a message starting with <" + expected + ">, got <"
                + e.getMessage() + ">");
    }

    /** After a raised error the backend computes and reads back as before, with nothing left to raise. */
    private void stillWorks() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).to(device);
        assertEquals(3, x.gather(0, Tensor.of(new int[] {2}, 1).to(device)).item());
        device.synchronize();
    }
}
