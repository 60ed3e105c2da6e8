package org.jgrad.backend.cpu;

import org.jgrad.spi.Backend;
import org.jgrad.spi.BackendProvider;

/**
 * Registers the Vector-API CPU backend as {@code cpu}, priority 10 (above the reference backend's 0). This class
 * touches no {@code jdk.incubator.vector} type: it must load, and explain itself, in a JVM started without the
 * module, where any Vector API class would throw NoClassDefFoundError.
 */
public final class CpuProvider implements BackendProvider {
    static final String MODULE = "jdk.incubator.vector";

    /** Called by {@link java.util.ServiceLoader}. */
    public CpuProvider() {
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String unavailableReason() {
        if (ModuleLayer.boot().findModule(MODULE).isPresent()) return null;
        return "the Vector API module is not enabled in this JVM; start java with --add-modules " + MODULE;
    }

    @Override
    public Backend create() {
        return new CpuBackend();
    }
}
