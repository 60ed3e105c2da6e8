package org.jgrad.testkit;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** For every differentiable registered op, autograd's gradient equals central differences in F64. */
final class RegistryGradCheckTest {

    @TestFactory
    Stream<DynamicTest> autogradGradientEqualsCentralDifferences() {
        // the first-order check of every op's backward rule, on inputs inside its domain and away from its kinks
        return RegistryTests.perOp(Check.GRAD, op -> Props.forAll(op.name() + ": autograd gradient equals central"
                + " differences", op.inputs(), in -> GradCheck.check(op.fn(), RegistryTests.onReference(in))));
    }
}
