package org.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** In-place updates write into the destination's own elements: broadcast, strided, aliased and converting cases. */
final class InPlaceTest {

    @Test
    void addInPlaceBroadcastsARowIntoEveryRow() {
        // x[i, j] += b[j]
        Tensor x = Tensor.zeros(2, 3);
        x.addInPlace(Tensor.of(new float[] {1, 2, 3}, 3));
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, x.toFloatArray());
        assertEquals(1, x.version());
    }

    @Test
    void updatesThroughATransposedViewLandInTheBaseTensor() {
        // y is [3, 2]; its transpose [2, 3] gets b: y[j, i] -= b[i, j]
        Tensor y = Tensor.zeros(3, 2);
        y.mT().subInPlace(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertArrayEquals(new float[] {-1, -4, -2, -5, -3, -6}, y.toFloatArray());
    }

    @Test
    void aTensorUpdatedWithItselfReadsEveryElementBeforeWritingIt() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        x.addInPlace(x);
        assertArrayEquals(new float[] {2, 4, 6, 8}, x.toFloatArray());
        x.mulInPlace(x.mT());
        assertArrayEquals(new float[] {4, 24, 24, 64}, x.toFloatArray());
    }

    @Test
    void aWiderOperandIsComputedWideAndConvertedBack() {
        // I32 [1, 2] *= 0.5 computes 0.5, 1.0 in F32 and truncates to 0, 1
        Tensor i = Tensor.of(new int[] {1, 2}, 2);
        i.mulInPlace(0.5);
        assertArrayEquals(new int[] {0, 1}, i.toIntArray());
    }

    @Test
    void anOperandThatDoesNotBroadcastToTheDestinationIsRefusedNamingTheOp() {
        Tensor x = Tensor.zeros(2, 3);
        String m = assertThrows(IllegalArgumentException.class, () -> x.addInPlace(Tensor.zeros(4))).getMessage();
        assertTrue(m.startsWith("addInPlace: shapes [2, 3] and [4] cannot broadcast"), m);
        assertEquals(0, x.version(), "nothing was written");
    }
}
