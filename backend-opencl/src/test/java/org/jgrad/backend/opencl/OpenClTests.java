package org.jgrad.backend.opencl;

import org.jgrad.Device;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The skip policy of this module's tests: without an OpenCL device they are skipped, with one line saying why, except
 * under {@code CI=true}, where CI installs PoCL and a missing device must fail the build instead of hiding it.
 */
final class OpenClTests {
    private static boolean told;

    private OpenClTests() {
    }

    /** The opencl device, or the test is skipped (failed under CI) with the provider's reason. */
    static Device device() {
        String why = new OpenClProvider().unavailableReason();
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) Assertions.fail("CI=true but OpenCL cannot run here: " + why);
            synchronized (OpenClTests.class) {
                if (!told) System.err.println("[jgrad] skipping the OpenCL tests: " + why);
                told = true;
            }
            Assumptions.abort("OpenCL cannot run here: " + why);
        }
        return Device.opencl();
    }

    static OpenClBackend backend() {
        return (OpenClBackend) device().backend();
    }
}
