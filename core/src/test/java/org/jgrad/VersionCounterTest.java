package org.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** In-place writes bump the storage version, and backward refuses to read a saved tensor that changed. */
final class VersionCounterTest {

    /** y = Σ x·w with w saved by 'mul'; {@code write} changes w in place before backward. */
    private static void assertStaleMulOperandFails(Consumer<Tensor> write) {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor w = Tensor.of(new double[] {4, 5, 6}, 3);
        Tensor y = x.mul(w).sum();
        assertEquals(0, w.version());
        write.accept(w);
        assertEquals(1, w.version());
        var e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("'mul'"), e.getMessage());
        assertTrue(e.getMessage().contains("version 0, now 1"), e.getMessage());
    }

    @Test
    void copyFromIntoSavedOperandMakesBackwardFailNamingMul() {
        // 'mul' saved w to form dy/dx = w: overwriting it would give a silently wrong gradient
        assertStaleMulOperandFails(w -> w.copyFrom(Tensor.zeros(DType.F64, 3)));
    }

    @Test
    void addInPlaceIntoSavedOperandMakesBackwardFailNamingMul() {
        // the same for w += 1
        assertStaleMulOperandFails(w -> w.addInPlace(Tensor.ones(DType.F64, 3)));
    }

    @Test
    void fillOfSavedOperandMakesBackwardFailNamingMul() {
        // the same for w := 0
        assertStaleMulOperandFails(w -> w.fill(0));
    }

    @Test
    void mulInPlaceIntoSavedOperandMakesBackwardFailNamingMul() {
        // the same for w *= 2
        assertStaleMulOperandFails(w -> w.mulInPlace(2));
    }

    @Test
    void writingSavedOutputOfExpInsideNoGradMakesBackwardFailNamingExp() {
        // exp saves its output (d eˣ/dx = eˣ); a write to it, even one allowed inside Grad.disabled(), is caught
        Tensor x = Tensor.of(new double[] {0, 1}, 2).requiresGrad(true);
        Tensor e = x.exp();
        Tensor loss = e.sum();
        try (var off = Grad.disabled()) {
            e.fill(0);
        }
        var err = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(err.getMessage().contains("'exp'"), err.getMessage());
        assertTrue(err.getMessage().contains("version 0, now 1"), err.getMessage());
    }

    @Test
    void writingATensorThatRequiresGradWhileRecordingIsRefused() {
        // an in-place write to a variable while the graph is recorded is refused up front, and changes nothing
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        var e = assertThrows(IllegalArgumentException.class, () -> x.fill(0));
        assertTrue(e.getMessage().startsWith("fill:"), e.getMessage());
        assertTrue(e.getMessage().contains("Grad.disabled()"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.addInPlace(Tensor.ones(DType.F64, 2)));
        assertThrows(IllegalArgumentException.class, () -> x.subInPlace(Tensor.ones(DType.F64, 2)));
        assertThrows(IllegalArgumentException.class, () -> x.copyFrom(Tensor.ones(DType.F64, 2)));
        assertEquals(0, x.version());
        assertArrayEquals(new double[] {1, 2}, x.toDoubleArray(), 0);
    }

    @Test
    void writingInsideNoGradWorksAndBumpsTheVersionOncePerWrite() {
        // an optimizer step: x -= 0.5·g, then x *= 2, inside Grad.disabled()
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        try (var off = Grad.disabled()) {
            Tensor same = x.subInPlace(Tensor.of(new double[] {2, 2}, 2).mul(0.5));
            assertSame(x, same);
            assertEquals(1, x.version());
            x.mulInPlace(2);
            assertEquals(2, x.version());
        }
        assertArrayEquals(new double[] {0, 2}, x.toDoubleArray(), 0);
        assertTrue(x.requiresGrad());
        assertTrue(x.isLeaf());
    }

    @Test
    void writeThroughOneViewIsSeenByAnotherViewOfTheSameStorage() {
        // t = [[0, 0, 0], [0, 0, 0]]; column 1 of t, reached through the transpose, := 7
        Tensor t = Tensor.zeros(2, 3);
        Tensor columns = t.transpose(0, 1), flat = t.reshape(6);
        columns.select(0, 1).fill(7);
        assertArrayEquals(new double[] {0, 7, 0, 0, 7, 0}, flat.toDoubleArray(), 0);
        assertEquals(1, flat.version(), "views share one storage and so one version counter");
        flat.narrow(0, 3, 3).addInPlace(Tensor.of(new float[] {1, 2, 3}, 3));
        assertArrayEquals(new double[] {0, 1}, columns.select(0, 0).toDoubleArray(), 0);
        assertEquals(2, t.version());
    }

    @Test
    void writeThroughAViewOfASavedTensorMakesBackwardFail() {
        // 'mul' saved w; writing w's storage through a different view is the same hazard
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
        Tensor w = Tensor.of(new double[] {1, 1, 1, 1}, 2, 2);
        Tensor y = x.mul(w).sum();
        w.reshape(4).narrow(0, 1, 1).fill(3);
        var e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("'mul'"), e.getMessage());
    }

    @Test
    void writeToATensorNotSavedByAnyOpLeavesBackwardWorking() {
        // y = Σ x + w: 'add' saves nothing, so changing w afterwards does not affect dy/dx = 1
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor w = Tensor.of(new double[] {5, 6}, 2);
        Tensor y = x.add(w).sum();
        w.fill(-1);
        y.backward();
        assertArrayEquals(new double[] {1, 1}, x.grad().toDoubleArray(), 0);
    }

    @Test
    void writingIntoAnExpandedViewIsRefused() {
        // expand repeats one element under several indices (stride 0): a write there is ambiguous
        Tensor row = Tensor.zeros(3);
        Tensor wide = row.unsqueeze(0).expand(4, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> wide.fill(1));
        assertTrue(e.getMessage().startsWith("fill:"), e.getMessage());
        assertTrue(e.getMessage().contains("share one memory location"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> wide.addInPlace(Tensor.ones(4, 3)));
        assertEquals(0, row.version());
        assertArrayEquals(new double[] {0, 0, 0}, row.toDoubleArray(), 0);
    }

    @Test
    void writingIntoAnOverlappingStridedViewIsRefused() {
        // windows of length 3 with step 1 over [0..5] overlap: element 1 is in windows 0 and 1
        Tensor base = Tensor.zeros(6);
        Tensor windows = base.asStrided(new int[] {4, 3}, new int[] {1, 1}, 0);
        assertThrows(IllegalArgumentException.class, () -> windows.fill(1));
    }

    @Test
    void copyFromItselfReadsASnapshotBeforeWriting() {
        // t[1:] := t[:-1] on one storage would smear t[0] without a snapshot; with one it shifts: [1,1,2,3]
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 4);
        t.narrow(0, 1, 3).copyFrom(t.narrow(0, 0, 3));
        assertArrayEquals(new double[] {1, 1, 2, 3}, t.toDoubleArray(), 0);
    }

    @Test
    void copyFromBroadcastsAndConvertsTheSource() {
        // a [2, 3] F32 destination takes a [3] I32 source on every row
        Tensor t = Tensor.zeros(2, 3);
        t.copyFrom(Tensor.of(new int[] {1, 2, 3}, 3));
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3}, t.toDoubleArray(), 0);
        var e = assertThrows(IllegalArgumentException.class, () -> t.copyFrom(Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
