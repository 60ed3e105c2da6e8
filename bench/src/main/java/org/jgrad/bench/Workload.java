package org.jgrad.bench;

/**
 * One benchmarked computation with its inputs already built: {@link #run()} executes it once and returns what it
 * produced (so that JMH's blackhole, or the command line, keeps the work from being optimised away).
 */
public interface Workload {
    /** A stable name, e.g. {@code gemm-512x512x512} or {@code train-step-convnet}: what the comparison script matches on. */
    String name();

    /** Floating-point operations of one run, counted as the peers count them (2·M·N·K for a GEMM; see {@link Workloads}). */
    double flops();

    /** Runs the computation once, to completion (results read back on asynchronous devices). */
    Object run();
}
