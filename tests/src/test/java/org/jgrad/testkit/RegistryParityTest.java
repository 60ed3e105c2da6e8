package org.jgrad.testkit;

import java.util.stream.Stream;
import org.jgrad.Device;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For every backend on the class path other than the reference one, and every registered op, the backend computes
 * what the reference backend computes, forward and backward, in F64 and F32, for every strided layout. With no such
 * backend installed there is nothing to compare and no test is generated.
 */
final class RegistryParityTest {

    @TestFactory
    Stream<DynamicTest> everyBackendAgreesWithTheReferenceBackend() {
        return BackendParity.devices().stream().flatMap((Device device) -> OpRegistry.all().stream()
                .filter(BackendParity::canRun)
                .map(op -> DynamicTest.dynamicTest(device.name() + ": " + op.name(), () -> BackendParity.check(op, device))));
    }
}
