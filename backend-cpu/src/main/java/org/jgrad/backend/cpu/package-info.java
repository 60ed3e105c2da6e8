/**
 * The Vector-API CPU backend: {@link org.jgrad.backend.cpu.CpuProvider} registers it as {@code cpu} (priority 10).
 * Kernels walk operands through one dimension-merging iterator ({@code Strided}) that hands them contiguous runs;
 * big ops split over the process-wide pool of {@code Parallel} ({@code -Djgrad.threads=N}).
 */
package org.jgrad.backend.cpu;
