package org.jgrad.backend.opencl;

import java.util.stream.Stream;
import org.jgrad.testkit.BackendParity;
import org.jgrad.testkit.OpRegistry;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every registered op computes on the opencl device what the reference backend computes, forward and backward, F64
 * and F32, contiguous and in every strided layout.
 */
final class OpenClParityTest {

    @TestFactory
    Stream<DynamicTest> everyRegisteredOpMatchesTheReference() {
        return OpRegistry.all().stream().filter(BackendParity::canRun)
                .map(op -> DynamicTest.dynamicTest(op.name(), () -> BackendParity.check(op, OpenClTests.device())));
    }
}
