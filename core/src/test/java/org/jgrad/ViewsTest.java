package org.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jgrad.spi.Layout;
import org.junit.jupiter.api.Test;

/** Views copy nothing: they share the storage and only change shape, strides and offset. */
final class ViewsTest {

    /** x[i][j][k] = 100i + 10j + k for shape [2, 3, 4]: every element names its own index. */
    private static Tensor cube() {
        float[] v = new float[24];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++) v[12 * i + 4 * j + k] = 100 * i + 10 * j + k;
        return Tensor.of(v, 2, 3, 4);
    }

    private static void assertView(Tensor base, Tensor view, int[] shape, int[] strides, int offset) {
        assertSame(base.view().storage(), view.view().storage(), "a view must share its base's storage");
        Layout l = view.view().layout();
        assertArrayEquals(shape, l.shape(), "shape");
        assertArrayEquals(strides, l.strides(), "strides");
        assertEquals(offset, l.offset(), "offset");
    }

    private static double[] d(double... v) {
        return v;
    }

    @Test
    void reshapeViewAndFlattenOfContiguousTensorShareStorage() {
        // [2, 3, 4] → [6, 4], [4, 6], [24]: row-major order is unchanged, so only the strides change
        Tensor x = cube();
        assertView(x, x.reshape(6, 4), new int[] {6, 4}, new int[] {4, 1}, 0);
        assertView(x, x.view(4, -1), new int[] {4, 6}, new int[] {6, 1}, 0);
        assertView(x, x.flatten(), new int[] {24}, new int[] {1}, 0);
        assertView(x, x.flatten(1, 2), new int[] {2, 12}, new int[] {12, 1}, 0);
        assertArrayEquals(x.toDoubleArray(), x.reshape(6, 4).toDoubleArray(), 0);
    }

    @Test
    void permuteAndTransposeReorderStridesAndValues() {
        // permute(2, 0, 1) of strides [12, 4, 1] gives [1, 12, 4]; y[k][i][j] = x[i][j][k]
        Tensor x = cube();
        Tensor p = x.permute(2, 0, 1);
        assertView(x, p, new int[] {4, 2, 3}, new int[] {1, 12, 4}, 0);
        assertEquals(113, p.get(3, 1, 1), 0);
        assertFalse(p.isContiguous());
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor t = m.transpose(0, 1);
        assertView(m, t, new int[] {3, 2}, new int[] {1, 3}, 0);
        assertArrayEquals(d(1, 4, 2, 5, 3, 6), t.toDoubleArray(), 0);
        assertSame(m, m.permute(0, 1), "the identity permutation is the tensor itself");
    }

    @Test
    void expandRepeatsWithStrideZero() {
        // [3, 1] → [2, 3, 4]: a new leading dimension and the size-1 one both get stride 0
        Tensor c = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        Tensor e = c.expand(2, 3, 4);
        assertView(c, e, new int[] {2, 3, 4}, new int[] {0, 1, 0}, 0);
        assertArrayEquals(d(1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3), e.toDoubleArray(), 0);
        assertView(c, c.expand(-1, 2), new int[] {3, 2}, new int[] {1, 0}, 0);
        var err = assertThrows(IllegalArgumentException.class, () -> c.expand(2, 2));
        assertTrue(err.getMessage().startsWith("expand:") && err.getMessage().contains("[2, 2]"), err.getMessage());
    }

    @Test
    void narrowAndSelectMoveTheOffset() {
        // narrow(1, 1, 2) starts at x[0][1][0] = storage 4; select(2, 3) starts at storage 3 and drops dimension 2
        Tensor x = cube();
        Tensor n = x.narrow(1, 1, 2);
        assertView(x, n, new int[] {2, 2, 4}, new int[] {12, 4, 1}, 4);
        assertArrayEquals(d(10, 11, 12, 13, 20, 21, 22, 23, 110, 111, 112, 113, 120, 121, 122, 123), n.toDoubleArray(), 0);
        Tensor s = x.select(2, 3);
        assertView(x, s, new int[] {2, 3}, new int[] {12, 4}, 3);
        assertArrayEquals(d(3, 13, 23, 103, 113, 123), s.toDoubleArray(), 0);
        Tensor last = x.select(-1, 3);
        assertArrayEquals(s.toDoubleArray(), last.toDoubleArray(), 0);
        assertThrows(IllegalArgumentException.class, () -> x.narrow(1, 2, 2));
    }

    @Test
    void squeezeAndUnsqueezeAddAndRemoveSizeOneDimensions() {
        // [2, 3, 4] ↔ [2, 1, 3, 4]: the same elements, one more size-1 axis
        Tensor x = cube();
        Tensor u = x.unsqueeze(1);
        assertSame(x.view().storage(), u.view().storage());
        assertArrayEquals(new int[] {2, 1, 3, 4}, u.shape());
        Tensor back = u.squeeze(1);
        assertView(x, back, new int[] {2, 3, 4}, new int[] {12, 4, 1}, 0);
        assertArrayEquals(new int[] {2, 3, 4, 1}, x.unsqueeze(-1).shape());
        var e = assertThrows(IllegalArgumentException.class, () -> x.squeeze(0));
        assertTrue(e.getMessage().startsWith("squeeze:") && e.getMessage().contains("size 2"), e.getMessage());
    }

    @Test
    void viewOfTransposedTensorFailsAndSuggestsReshape() {
        // [2, 3]ᵀ has strides [1, 3]: no strides show its elements as one row-major run
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> t.view(6));
        assertTrue(e.getMessage().startsWith("view:"), e.getMessage());
        assertTrue(e.getMessage().contains("reshape()"), e.getMessage());
    }

    @Test
    void viewOfTransposedTensorWorksWhereStridesAllow() {
        // [2, 3, 4] transposed to [3, 2, 4] strides [4, 12, 1]: the last axis is still contiguous, so it may split
        Tensor x = cube();
        Tensor t = x.transpose(0, 1).view(3, 2, 2, 2);
        assertView(x, t, new int[] {3, 2, 2, 2}, new int[] {4, 12, 2, 1}, 0);
        assertArrayEquals(x.transpose(0, 1).toDoubleArray(), t.toDoubleArray(), 0);
    }

    @Test
    void reshapeOfTransposedTensorCopies() {
        // reshape falls back to a copy: new storage, values in the transposed row-major order
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor r = m.transpose(0, 1).reshape(6);
        assertNotSame(m.view().storage(), r.view().storage());
        assertTrue(r.isContiguous());
        assertArrayEquals(d(1, 4, 2, 5, 3, 6), r.toDoubleArray(), 0);
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        // a contiguous tensor is returned as is; a transposed one gets a dense copy with the same values
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertSame(m, m.contiguous());
        Tensor t = m.transpose(0, 1);
        Tensor c = t.contiguous();
        assertNotSame(t, c);
        assertNotSame(m.view().storage(), c.view().storage());
        assertTrue(c.isContiguous());
        assertArrayEquals(new int[] {2, 1}, c.view().layout().strides());
        assertArrayEquals(t.toDoubleArray(), c.toDoubleArray(), 0);
        Tensor row = m.narrow(0, 1, 1);
        assertTrue(row.isContiguous(), "one full row of a matrix is dense, at an offset");
        assertSame(row, row.contiguous());
    }

    @Test
    void reshapeInfersOneDimensionAndRejectsBadShapes() {
        // 24 elements: [-1, 6] is [4, 6]; two -1s, a wrong count or a negative size are errors naming the op
        Tensor x = cube();
        assertArrayEquals(new int[] {4, 6}, x.reshape(-1, 6).shape());
        assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1));
        var e = assertThrows(IllegalArgumentException.class, () -> x.reshape(5, 5));
        assertTrue(e.getMessage().startsWith("reshape:") && e.getMessage().contains("[5, 5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.reshape(-2, 12));
        assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, 5));
    }

    @Test
    void gradientsFlowBackThroughViews() {
        // y = Σ w ⊙ xᵀ[:, 0:1]: only the elements the view reaches get a gradient, the weight itself
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor w = Tensor.of(new double[] {10, 20, 30}, 3, 1);
        x.transpose(0, 1).narrow(1, 0, 1).mul(w).sum().backward();
        assertArrayEquals(d(10, 20, 30, 0, 0, 0), x.grad().toDoubleArray(), 0);
    }

    @Test
    void expandedGradientSumsOverRepeats() {
        // y = Σ expand([3, 1] → [3, 4]): each element is used 4 times, so dy/dx = 4
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 3, 1).requiresGrad(true);
        x.expand(3, 4).sum().backward();
        assertArrayEquals(d(4, 4, 4), x.grad().toDoubleArray(), 0);
        assertArrayEquals(new int[] {3, 1}, x.grad().shape());
    }

    @Test
    void viewsOfZeroDimensionalAndEmptyTensors() {
        // a 0-d tensor reshapes to [1] and back; an empty [0, 3] tensor views as [3, 0]
        Tensor s = Tensor.scalar(5);
        assertEquals(0, s.rank());
        assertArrayEquals(new int[] {1}, s.reshape(1).shape());
        assertEquals(5, s.reshape(1).reshape().item(), 0);
        assertArrayEquals(new int[] {1, 1}, s.unsqueeze(0).unsqueeze(0).shape());
        Tensor empty = Tensor.zeros(0, 3);
        assertArrayEquals(new int[] {3, 0}, empty.view(3, 0).shape());
        assertArrayEquals(new int[] {3, 0}, empty.transpose(0, 1).shape());
        assertEquals(0, empty.flatten().numel());
    }
}
