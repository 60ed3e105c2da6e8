package org.jgrad;

/**
 * Thread-local autograd modes, each a try-with-resources scope:
 * <pre>{@code
 * try (var off = Grad.disabled()) { ... }         // no graph is recorded: inference, optimizer updates
 * try (var a = Grad.detectAnomaly()) { ... }      // the first op whose forward or backward makes NaN/Inf throws
 * }</pre>
 */
public final class Grad {
    private static final ThreadLocal<boolean[]> MODES = ThreadLocal.withInitial(() -> new boolean[] {true, false});
    private static final int ENABLED = 0, ANOMALY = 1;

    /** Restores the previous mode on close. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private Grad() {
    }

    /** Whether ops record the graph on this thread. */
    public static boolean isEnabled() {
        return MODES.get()[ENABLED];
    }

    /** Whether anomaly detection is on for this thread. */
    public static boolean isAnomalyDetection() {
        return MODES.get()[ANOMALY];
    }

    /**
     * The composite op this thread is inside, the outermost one ({@code crossEntropy}, {@code embedding}, …), or null.
     * For a backend that finds an error only after the call returned ({@link org.jgrad.spi.Backend#checksIndicesOnDevice})
     * and must still name the op the user called.
     */
    public static String currentOp() {
        return Autograd.currentComposite();
    }

    /** Stops recording the graph until the scope closes. */
    public static Scope disabled() {
        return set(ENABLED, false);
    }

    /** Records the graph until the scope closes (inside a disabled scope, say). */
    public static Scope enabled() {
        return set(ENABLED, true);
    }

    /** Checks every op's forward output and every backward gradient for NaN/Inf until the scope closes. */
    public static Scope detectAnomaly() {
        return set(ANOMALY, true);
    }

    /** Sets anomaly detection to {@code on} until the scope closes: its own checks read tensors without checking. */
    static Scope setAnomaly(boolean on) {
        return set(ANOMALY, on);
    }

    /** Sets grad mode to {@code on} until the scope closes: what backward uses to honour createGraph. */
    static Scope setEnabled(boolean on) {
        return set(ENABLED, on);
    }

    private static Scope set(int mode, boolean value) {
        boolean[] modes = MODES.get();
        boolean before = modes[mode];
        modes[mode] = value;
        return () -> modes[mode] = before;
    }
}
