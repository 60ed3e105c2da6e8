package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.jgrad.Autograd;
import org.jgrad.DType;
import org.jgrad.Tensor;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.Layout;
import org.jgrad.spi.View;
import org.junit.jupiter.api.Test;

/** Strided variants hold the source's values in non-dense layouts, inside buffers whose other elements are poison. */
class StridedTest {
    private static final List<int[]> SHAPES = List.of(new int[0], new int[] {0}, new int[] {1}, new int[] {5},
            new int[] {2, 3}, new int[] {3, 1}, new int[] {2, 0, 3}, new int[] {3, 1, 4}, new int[] {2, 3, 1, 2});

    private static void assertSameValues(Tensor t, Strided.Variant v) {
        String what = v.name() + " of " + Props.describe(t);
        Tensor x = v.tensor();
        assertArrayEquals(t.shape(), x.shape(), what);
        assertEquals(t.dtype(), x.dtype(), what);
        assertEquals(t.device(), x.device(), what);
        assertArrayEquals(t.toDoubleArray(), x.toDoubleArray(), what);
        Layout l = x.view().layout();
        assertTrue(!x.isContiguous() || l.offset() != 0, what + " is dense: " + l);
        assertNotSame(t.view().storage(), x.view().storage(), what);
    }

    @Test
    void everyDtypeAndShapeGivesNonDenseViewsOfTheSameValues() {
        // same shape, dtype, device and values, a non-dense layout, and storage of their own, for 0-d and empty too
        for (DType dtype : DType.values()) {
            for (int[] shape : SHAPES) {
                Tensor t = Gens.tensor(shape, Domain.range(-50, 50), dtype, 7);
                List<Strided.Variant> vs = Strided.variants(t);
                assertTrue(vs.size() >= 2, "at least the poisoned slice and the offset view");
                for (Strided.Variant v : vs) assertSameValues(t, v);
            }
        }
    }

    @Test
    void expectedVariantsAppear() {
        // a [3, 1, 4] tensor has all five; a 0-d tensor only the two that live in a poisoned buffer
        List<String> names = Strided.variants(Tensor.rand(1, 3, 1, 4)).stream().map(Strided.Variant::name).toList();
        assertEquals(5, names.size(), names.toString());
        Strided.Variant expanded = Strided.variants(Tensor.rand(1, 3, 1, 4)).stream()
                .filter(v -> v.name().contains("stride 0")).findFirst().orElseThrow();
        assertEquals(0, expanded.tensor().view().layout().strides()[1]);
        assertEquals(2, Strided.variants(Tensor.scalar(3)).size());
    }

    @Test
    void poisonedBuffersHoldPoisonOutsideTheView() {
        // read through the SPI: every storage element the layout does not reach is NaN (or the integer poison)
        for (DType dtype : DType.values()) {
            for (int[] shape : SHAPES) {
                Tensor t = Gens.tensor(shape, Domain.range(-50, 50), dtype, 8);
                for (Strided.Variant v : Strided.variants(t)) {
                    if (!v.name().contains("poison") && !v.name().startsWith("offset")) continue;
                    View view = v.tensor().view();
                    HeapStorage s = (HeapStorage) view.storage();
                    BitSet reached = new BitSet(s.size());
                    for (int i = 0; i < view.numel(); i++) reached.set(view.layout().offsetOf(i));
                    assertFalse(reached.get(0), "poison before the view");
                    assertFalse(reached.get(s.size() - 1), "poison after the view");
                    for (int p = reached.nextClearBit(0); p < s.size(); p = reached.nextClearBit(p + 1)) {
                        double poison = Strided.poison(dtype), got = s.get(p);
                        assertTrue(Double.compare(poison, got) == 0, v.name() + " " + dtype + Arrays.toString(shape)
                                + ": storage element " + p + " is " + got + ", expected poison " + poison);
                    }
                }
            }
        }
        assertTrue(Double.isNaN(Strided.poison(DType.F32)));
    }

    @Test
    void opsOnVariantsMatchOpsOnTheSource() {
        // the reference backend honours strides: exp, a reduction and matmul agree on every variant (a property)
        Gen<Tensor> tensors = Gens.tensors(Gens.shape(2, 3, 0, 4), Domain.real(), DType.F64);
        Props.forAll("ops on strided variants match the source", tensors, t -> {
            double[] exp = t.exp().toDoubleArray(), sum = t.sum(0).toDoubleArray();
            double[] mm = t.mT().matmul(t).toDoubleArray();
            for (Strided.Variant v : Strided.variants(t)) {
                String what = v.name() + " of " + Props.describe(t);
                assertArrayEquals(exp, v.tensor().exp().toDoubleArray(), what);
                assertArrayEquals(sum, v.tensor().sum(0).toDoubleArray(), what);
                assertArrayEquals(mm, v.tensor().mT().matmul(v.tensor()).toDoubleArray(), 1e-12, what);
            }
        });
    }

    @Test
    void variantsRequireGradLikeTheSourceAndLeaveItAlone() {
        // a source that requires grad gives leaves that require grad; gradients flow through them; t is untouched
        Tensor t = Gens.tensor(new int[] {2, 3}, Domain.real(), DType.F64, 9).requiresGrad(true);
        int version = t.version();
        for (Strided.Variant v : Strided.variants(t)) {
            Tensor x = v.tensor();
            assertTrue(x.requiresGrad() && x.isLeaf(), v.name());
            Tensor g = Autograd.grad(x.exp().sum(), null, List.of(x), false, false)[0];
            assertArrayEquals(t.exp().toDoubleArray(), g.toDoubleArray(), 1e-15, v.name());
        }
        assertEquals(version, t.version());
        assertFalse(Strided.variants(Tensor.rand(1, 3)).getFirst().tensor().requiresGrad());
    }
}
