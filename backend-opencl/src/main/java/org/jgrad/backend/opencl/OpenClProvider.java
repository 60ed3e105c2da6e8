package org.jgrad.backend.opencl;

import org.jgrad.spi.Backend;
import org.jgrad.spi.BackendProvider;

/**
 * Registers the OpenCL backend as {@code opencl}: priority 20 on a GPU or accelerator (above the cpu backend's 10),
 * 5 on a CPU device such as PoCL, where the Vector API backend is the better choice for {@code Device.best()}.
 */
public final class OpenClProvider implements BackendProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public OpenClProvider() {
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int priority() {
        Discovery.Found d = Discovery.result().device();
        return d != null && d.isGpu() ? 20 : 5;
    }

    @Override
    public String unavailableReason() {
        return Discovery.result().reason();
    }

    @Override
    public Backend create() {
        Discovery.Result r = Discovery.result();
        if (r.device() == null) throw new IllegalStateException("opencl: " + r.reason());
        return new OpenClBackend(r.device());
    }
}
