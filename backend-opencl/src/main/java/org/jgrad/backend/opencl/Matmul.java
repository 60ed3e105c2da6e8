package org.jgrad.backend.opencl;

import org.jgrad.spi.View;

/**
 * The seam between the backend and a GEMM. {@link OpenClBackend#matmul} hands every batched product
 * {@code out[b] = a[b] · b[b]} (a {@code [B, M, K]}, b {@code [B, K, N]}, out {@code [B, M, N]}, any strides and
 * offsets, any dtype the device has) to the one instance its constructor makes ({@code matmul = new PlainMatmul(this)}
 * today; a tiled GEMM replaces that line, keeping PlainMatmul for what it does not tile). What an implementation uses:
 * <ul>
 *   <li>{@code backend.cl()}: {@code program(header, files...)} builds and caches a program from resources next to
 *       this class, {@code kernel(program, name)} its kernels; {@code cl.device.isGpu()}, {@code cl.fp64},
 *       {@code cl.maxWorkGroup} describe the device;</li>
 *   <li>{@code backend.header(dtype)}: the dtype macros (T, W, TO_T, CV, HAS_FP64) every program starts with;</li>
 *   <li>{@code backend.args(kernel, what)}: sets arguments in order ({@code mem(view)}, {@code i32}, {@code int4},
 *       {@code local(bytes)}) and launches with {@code run(global, local)}; {@code backend.args(dtype, name, views)}
 *       does the same for the backend's own programs after checking the operands.</li>
 * </ul>
 * Calls arrive serialised by the backend; the queue is in order, so no events are needed.
 */
interface Matmul {
    void matmul(View a, View b, View out);
}
