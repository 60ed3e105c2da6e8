package org.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import org.jgrad.spi.Backend;
import org.jgrad.spi.ReferenceBackend;
import org.junit.jupiter.api.Test;

/** NumPy broadcasting, and errors that name the op, both shapes and the offending dimension. */
final class BroadcastAndErrorsTest {

    private static double[] d(double... v) {
        return v;
    }

    private static String message(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable call) {
        return assertThrows(type, call).getMessage();
    }

    @Test
    void columnPlusRowBroadcastsToTheOuterSum() {
        // [3, 1] + [1, 4] → [3, 4] with out[i][j] = a[i] + b[j]
        Tensor a = Tensor.of(new float[] {0, 10, 20}, 3, 1), b = Tensor.of(new float[] {1, 2, 3, 4}, 1, 4);
        Tensor s = a.add(b);
        assertArrayEquals(new int[] {3, 4}, s.shape());
        assertArrayEquals(d(1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24), s.toDoubleArray(), 0);
        assertArrayEquals(s.toDoubleArray(), b.add(a).toDoubleArray(), 0);
    }

    @Test
    void vectorBroadcastsOverTheRowsOfAMatrix() {
        // [2, 3] · [3]: the vector aligns with the last dimension and repeats for each row
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), v = Tensor.of(new float[] {1, 0, -1}, 3);
        assertArrayEquals(d(1, 0, -3, 4, 0, -6), m.mul(v).toDoubleArray(), 0);
        assertArrayEquals(new int[] {2, 3}, v.sub(m).shape());
    }

    @Test
    void zeroDimensionalTensorsBroadcastWithAnything() {
        // a 0-d tensor acts as a scalar on either side; 0-d with 0-d stays 0-d
        Tensor s = Tensor.scalar(2), m = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertArrayEquals(d(2, 4, 6, 8), s.mul(m).toDoubleArray(), 0);
        assertArrayEquals(d(-1, 0, 1, 2), m.sub(s).toDoubleArray(), 0);
        assertArrayEquals(new int[] {2, 2}, s.mul(m).shape());
        Tensor both = s.add(Tensor.scalar(3));
        assertEquals(0, both.rank());
        assertEquals(5, both.item(), 0);
        assertArrayEquals(new int[] {0, 3}, s.add(Tensor.zeros(0, 3)).shape());
    }

    @Test
    void broadcastGradientsSumBackToEachOperandsShape() {
        // y = Σ a + b over [3, 4]: each a[i] is used 4 times, each b[j] 3 times
        Tensor a = Tensor.of(new double[] {1, 2, 3}, 3, 1).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {1, 2, 3, 4}, 4).requiresGrad(true);
        a.add(b).sum().backward();
        assertArrayEquals(new int[] {3, 1}, a.grad().shape());
        assertArrayEquals(d(4, 4, 4), a.grad().toDoubleArray(), 0);
        assertArrayEquals(d(3, 3, 3, 3), b.grad().toDoubleArray(), 0);
    }

    @Test
    void broadcastErrorNamesOpShapesAndDimension() {
        // [2, 3] and [4] disagree in the last dimension, 3 against 4
        String m = message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertEquals("add: shapes [2, 3] and [4] cannot broadcast: dimension -1 is 3 in one and 4 in the other", m);
        String n = message(IllegalArgumentException.class, () -> Tensor.zeros(2, 5, 3).mul(Tensor.zeros(4, 1)));
        assertTrue(n.startsWith("mul: shapes [2, 5, 3] and [4, 1] cannot broadcast: dimension -2 is 5"), n);
        String c = message(IllegalArgumentException.class, () -> Tensor.zeros(2).lt(Tensor.zeros(3)));
        assertTrue(c.startsWith("lt: shapes [2] and [3]"), c);
    }

    @Test
    void matmulErrorNamesBothShapesAndTheInnerDimensions() {
        // [64, 784] · [128, 10]: 784 ≠ 128
        String m = message(IllegalArgumentException.class, () -> Tensor.zeros(64, 784).matmul(Tensor.zeros(128, 10)));
        assertEquals("matmul: cannot multiply [64, 784] by [128, 10]: inner dimensions 784 and 128 differ", m);
        String b = message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(5, 4, 2)));
        assertEquals("matmul: cannot multiply [2, 3, 4] by [5, 4, 2]: their batch shapes [2] and [5] cannot broadcast:"
                + " dimension -1 is 2 in one and 5 in the other", b);
        String s = message(IllegalArgumentException.class, () -> Tensor.scalar(1).matmul(Tensor.zeros(2)));
        assertTrue(s.startsWith("matmul:") && s.contains("rank 1 or more"), s);
    }

    @Test
    void whereNeedsABoolMask() {
        // a F32 mask is ambiguous (is 0.5 true?): the error says how to make a BOOL one
        Tensor a = Tensor.ones(3), b = Tensor.zeros(3);
        String m = message(IllegalArgumentException.class, () -> Tensor.where(Tensor.ones(3), a, b));
        assertTrue(m.startsWith("where: the mask must be BOOL, got tensor [3] F32"), m);
        assertArrayEquals(d(1, 0, 1), Tensor.where(Tensor.of(new float[] {1, -1, 2}, 3).gt(0), a, b).toDoubleArray(), 0);
    }

    @Test
    void gatherAndIndexOpsNeedI32Indices() {
        // indices must be I32: F32 is refused by gather, indexSelect, scatterAdd and oneHot
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2), fi = Tensor.zeros(2, 2);
        String g = message(IllegalArgumentException.class, () -> x.gather(1, fi));
        assertEquals("gather: the index must be I32, got tensor [2, 2] F32", g);
        assertTrue(message(IllegalArgumentException.class, () -> x.indexSelect(0, Tensor.zeros(2))).startsWith("indexSelect:"));
        assertTrue(message(IllegalArgumentException.class, () -> x.scatterAdd(0, fi, x)).startsWith("scatterAdd:"));
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.zeros(2).oneHot(3)).startsWith("oneHot:"));
        String r = message(IllegalArgumentException.class, () -> x.gather(1, Tensor.of(new int[] {0, 2, 1, 0}, 2, 2)));
        assertTrue(r.startsWith("gather: index 2 is out of range for dimension 1"), r);
    }

    @Test
    void gradientIsOnlyForFloatingPointLeaves() {
        // an I32 tensor cannot be a variable; an interior tensor cannot change requiresGrad
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.arange(3).requiresGrad(true))
                .startsWith("requiresGrad: only F32 and F64"));
        Tensor y = Tensor.ones(2).requiresGrad(true).mul(2);
        assertTrue(message(IllegalArgumentException.class, () -> y.requiresGrad(false)).contains("'mul'"));
    }

    @Test
    void axisErrorsNameTheOpAxisAndRank() {
        // axis 2 of a rank-2 tensor is out of range (−2 to 1)
        String m = message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).sum(2));
        assertEquals("sum: axis 2 is out of range for a tensor of rank 2 (expected -2 to 1)", m);
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).softmax(-3)).startsWith("softmax:"));
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).transpose(0, 5)).startsWith("transpose:"));
    }

    @Test
    void missingBackendIsAClearErrorNeverAFallback() {
        // no jgrad-backend-* module is on core's test class path: asking for one says what is there
        String m = message(IllegalStateException.class, () -> Device.named("nonexistent"));
        assertTrue(m.startsWith("device: no backend named 'nonexistent'"), m);
        assertTrue(m.contains("reference"), m);
        assertTrue(Device.report().contains("reference (priority 0): available"), Device.report());
        assertEquals("reference", Device.reference().name());
    }

    /** A second device with its own reference backend: core has no public way to make one, so reflection. */
    private static Device otherDevice() throws ReflectiveOperationException {
        Constructor<Device> c = Device.class.getDeclaredConstructor(Backend.class);
        c.setAccessible(true);
        return c.newInstance(new ReferenceBackend());
    }

    @Test
    void operandsOnDifferentDevicesAreAnErrorNamingTheOp() throws ReflectiveOperationException {
        // a + b with a on one device and b on another: no silent copy, the message says how to move one
        Device other = otherDevice();
        Tensor a = Tensor.ones(2), b = Tensor.ones(2).to(other);
        assertNotSame(a.device(), b.device());
        String m = message(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(m.startsWith("add: operands are on different devices: tensor [2] F32"), m);
        assertTrue(m.contains("to(Device)"), m);
        assertTrue(message(IllegalArgumentException.class, () -> a.matmul(b)).startsWith("matmul:"));
        assertTrue(message(IllegalArgumentException.class, () -> a.copyFrom(b)).startsWith("copyFrom:"));
        assertArrayEquals(d(2, 2), a.add(b.to(a.device())).toDoubleArray(), 0);
    }

    @Test
    void transferBetweenDevicesIsDifferentiable() throws ReflectiveOperationException {
        // y = Σ 3·to(other, x): dy/dx = 3, the gradient comes back to x's device
        Device other = otherDevice();
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor moved = x.to(other);
        assertEquals("to", moved.gradFn());
        moved.mul(3).sum().backward();
        assertTrue(x.grad().device() == x.device());
        assertArrayEquals(d(3, 3), x.grad().toDoubleArray(), 0);
    }

    @Test
    void customBackwardReturningWrongShapeFailsNamingTheOpDuringBackward() {
        // the error raised inside backward reads like a forward one: op, the bad gradient's shape, the input's shape
        CustomOp bad = CustomOp.of("rowSum", in -> in[0].mul(2), (g, in, out) -> new Tensor[] {g.sum(0)});
        Tensor x = Tensor.ones(DType.F64, 2, 3).requiresGrad(true);
        Tensor y = bad.apply(x).sum();
        String m = message(IllegalArgumentException.class, y::backward);
        assertEquals("rowSum: custom backward returned gradient tensor [3] F64 for input 0, which is a tensor [2, 3] F64", m);
    }

    @Test
    void hookReturningWrongShapeFailsNamingTheOpDuringBackward() {
        // a hook on h = 2x that returns a [3] gradient for a [2, 3] tensor would corrupt x.grad: refused
        Tensor x = Tensor.ones(DType.F64, 2, 3).requiresGrad(true);
        Tensor h = x.mul(2);
        h.registerHook(g -> g.sum(0));
        Tensor y = h.sum();
        String m = message(IllegalArgumentException.class, y::backward);
        assertTrue(m.contains("'mul'") && m.contains("[3]") && m.contains("[2, 3]"), m);
        Tensor leaf = Tensor.ones(DType.F64, 2).requiresGrad(true);
        leaf.registerHook(g -> Tensor.ones(DType.F64, 3));
        Tensor z = leaf.sum();
        String n = message(IllegalArgumentException.class, z::backward);
        assertTrue(n.contains("[3]") && n.contains("[2]"), n);
    }
}
