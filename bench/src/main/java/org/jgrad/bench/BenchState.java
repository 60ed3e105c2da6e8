package org.jgrad.bench;

import org.jgrad.Device;

/** What every JMH state does first: choose the thread count, then the device, before any tensor exists. */
final class BenchState {
    private BenchState() {
    }

    /**
     * Sets {@code jgrad.threads} (the CPU backend reads it once, when its pool is first used: each JMH fork is a
     * fresh JVM, so every parameter combination gets its own pool) and returns the named device.
     */
    static Device device(String name, int threads) {
        System.setProperty("jgrad.threads", Integer.toString(threads));
        Device d = Device.named(name);
        Device.setDefault(d);
        return d;
    }
}
