package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** BackendParity runs every op in F64 and F32 and in every layout, and reports a disagreement beyond its tolerance. */
final class BackendParityTest {

    @TestFactory
    Stream<DynamicTest> theReferenceBackendAgreesWithItselfForEveryOpInF64AndF32() {
        // the whole parity machinery against the one backend there is: every op must run in F32 as well as F64,
        // forward and backward, in every strided layout, and deterministically
        return RegistryTests.perOp(Check.PARITY, op -> BackendParity.check(op, Device.reference()));
    }

    @Test
    void devicesListsNoReferenceBackend() {
        // the reference backend is the oracle, never a device under test
        assertTrue(BackendParity.devices().stream().noneMatch(d -> d.name().equals("reference")));
    }

    @Test
    void aDifferenceWithinTheToleranceIsAcceptedAndOneBeyondItIsReportedWithBothValues() {
        // tolerance scales with the largest magnitude: 4 · 1e-6 allowed, 1e-5 · 4 not
        OpRun expected = new OpRun(Tensor.of(new double[] {1, 4}, 2), new Tensor[0]);
        assertNull(expected.mismatch(new OpRun(Tensor.of(new double[] {1, 4 + 3e-6}, 2), new Tensor[0]), 1e-6));
        String m = expected.mismatch(new OpRun(Tensor.of(new double[] {1, 4 + 4e-5}, 2), new Tensor[0]), 1e-6);
        assertNotNull(m);
        assertTrue(m.contains("flat index 1") && m.contains("expected 4.0") && m.contains("got 4.00004"), m);
    }

    @Test
    void integerOutputsMustAgreeExactlyAndNaNsMatchOnlyNaNs() {
        // argmax, comparisons and oneHot have no rounding to forgive; NaN equals NaN bitwise, not a number
        OpRun ints = new OpRun(Tensor.of(new int[] {1, 2}, 2), new Tensor[0]);
        assertNotNull(ints.mismatch(new OpRun(Tensor.of(new int[] {1, 3}, 2), new Tensor[0]), 0.5));
        OpRun nan = new OpRun(Tensor.of(new double[] {Double.NaN}, 1), new Tensor[0]);
        assertNull(nan.bitwiseMismatch(new OpRun(Tensor.of(new double[] {Double.NaN}, 1), new Tensor[0])));
        assertNotNull(nan.mismatch(new OpRun(Tensor.of(new double[] {0}, 1), new Tensor[0]), 1));
    }

    @Test
    void theToleranceGrowsWithTheDtypesEpsilonAndTheInputSize() {
        // ε·(32 + 4n): F32 is looser than F64, and a longer reduction is allowed more rounding
        Tensor[] small = {Tensor.zeros(DType.F64, 4)}, large = {Tensor.zeros(DType.F64, 513)};
        assertTrue(BackendParity.tolerance(DType.F32, small) > BackendParity.tolerance(DType.F64, small));
        assertTrue(BackendParity.tolerance(DType.F32, large) > BackendParity.tolerance(DType.F32, small));
        assertEquals(Math.ulp(1f) * 48, BackendParity.tolerance(DType.F32, small), 0);
    }

    @Test
    void anOpMarkedNotApplicableForParityIsRefused() {
        // coverage counts PARITY as covered only where check can run
        OpSpec op = OpSpec.builder("x").inputs(Gen.constant(new Tensor[] {Tensor.zeros(1)})).fn(in -> in[0])
                .notApplicable(Check.PARITY, "test").build();
        assertFalse(BackendParity.canRun(op));
        assertThrows(IllegalArgumentException.class, () -> BackendParity.check(op, Device.reference()));
    }
}
