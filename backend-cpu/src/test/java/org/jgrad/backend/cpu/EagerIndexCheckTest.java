package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Supplier;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The heap backends leave index ranges to core, which checks them at the call (a device backend defers the check to
 * its kernels): each indexed op rejects a bad index before it computes anything, naming the op the user called.
 */
final class EagerIndexCheckTest {

    @Test
    void outOfRangeIndicesAreRejectedAtTheCallOnTheHeapBackends() {
        for (Device d : new Device[] {Device.cpu(), Device.reference()}) {
            assertFalse(d.backend().checksIndicesOnDevice(), d.name());
            Tensor x = Tensor.randn(1, 4, 10).to(d), w = Tensor.randn(2, 5, 3).to(d);
            Tensor target = Tensor.of(new int[] {1, 12, 3, 0}, 4).to(d), bad = Tensor.of(new int[] {4, 5}, 2).to(d);
            rejects("crossEntropy: target 12 is out of range for 10 classes", () -> Functional.crossEntropy(x, target));
            rejects("nllLoss: target 12 is out of range for 10 classes", () -> Functional.nllLoss(x, target));
            rejects("gather: index 12 is out of range for dimension 1 of tensor [4, 10] F32 (size 10)",
                    () -> x.gather(1, target.reshape(4, 1)));
            rejects("scatterAdd: index 5 is out of range for dimension 0 of tensor [5, 3] F32 (size 5)",
                    () -> w.scatterAdd(0, bad.reshape(2, 1), Tensor.ones(2, 1).to(d)));
            rejects("indexSelect: index 5 is out of range for dimension 0 of tensor [5, 3] F32 (size 5)",
                    () -> w.indexSelect(0, bad));
            rejects("embedding: index 5 is out of range for the rows of weight tensor [5, 3] F32 (size 5)",
                    () -> Functional.embedding(bad, w));
            rejects("oneHot: index 5 is out of range for 5 classes (size 5)", () -> bad.oneHot(5));
        }
    }

    private static void rejects(String message, Supplier<Tensor> op) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, op::get).getMessage());
    }
}
