package org.jgrad.spi;

/**
 * How a backend module makes itself known: listed in {@code module-info} ({@code provides}) and in
 * {@code META-INF/services}, found by {@link java.util.ServiceLoader}.
 */
public interface BackendProvider {

    /** The name users ask for: {@code reference}, {@code cpu}, {@code opencl}. */
    String name();

    /** Higher wins in {@code Device.best()}; the reference backend is 0. */
    int priority();

    /** Null when the backend can run here, otherwise one line saying why not and what to do about it. */
    String unavailableReason();

    /** Creates the backend; called once per process, only when {@link #unavailableReason()} is null. */
    Backend create();
}
