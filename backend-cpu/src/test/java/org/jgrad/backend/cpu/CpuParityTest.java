package org.jgrad.backend.cpu;

import java.util.stream.Stream;
import org.jgrad.Device;
import org.jgrad.testkit.BackendParity;
import org.jgrad.testkit.OpRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every registered op computes on the cpu backend what the reference backend computes, forward and backward, F64
 * and F32, contiguous and in every strided layout, on one thread and on two (the registry's inputs are small, so
 * the 2-thread pass reaches the pool only through ops whose sizes cross a grain; KernelsTest covers big sizes).
 */
final class CpuParityTest {
    private static final int THREADS_BEFORE = Parallel.threads();

    @TestFactory
    Stream<DynamicContainer> everyRegisteredOpMatchesTheReferenceOnOneAndTwoThreads() {
        return Stream.of(1, 2).map(threads -> DynamicContainer.dynamicContainer(threads + " thread(s)",
                OpRegistry.all().stream().filter(BackendParity::canRun).map(op -> DynamicTest.dynamicTest(op.name(), () -> {
                    Parallel.setThreads(threads);
                    BackendParity.check(op, Device.cpu());
                }))));
    }

    @AfterAll
    static void restoreThreads() {
        Parallel.setThreads(THREADS_BEFORE);
    }
}
