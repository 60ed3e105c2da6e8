package org.jgrad.testkit;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** For every twice-differentiable registered op, the gradient of its vector-Jacobian product equals central differences. */
final class RegistryGradGradCheckTest {

    @TestFactory
    Stream<DynamicTest> secondOrderGradientEqualsCentralDifferences() {
        // backward rules are written in Tensor ops, so each one's own backward is checked like any op's
        return RegistryTests.perOp(Check.GRAD_GRAD, op -> Props.forAll(op.name() + ": second-order gradient equals"
                + " central differences", op.inputs(), in -> GradCheck.checkGradGrad(op.fn(), RegistryTests.onReference(in))));
    }
}
