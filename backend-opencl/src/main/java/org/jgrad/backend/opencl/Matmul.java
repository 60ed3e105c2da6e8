package org.jgrad.backend.opencl;

import org.jgrad.spi.View;

/**
 * The seam between the backend and a GEMM: {@link OpenClBackend#matmul} hands every batched product
 * {@code out[b] = a[b] · b[b]} (a {@code [B, M, K]}, b {@code [B, K, N]}, out {@code [B, M, N]}, any strides, F32 or
 * F64 and the integer dtypes) to the one instance the backend's constructor makes. An implementation builds its
 * kernels through {@code backend.cl().kernel(header, name, files)} (or {@code backend.args(dtype, name, operands)},
 * which adds the backend's dtype header and checks the operands), launches them with {@code Args.run}, reaches device
 * buffers through {@code backend.own(storage).mem}, and hands layouts it does not tile to {@link PlainMatmul}.
 * Calls arrive serialised by the backend.
 */
interface Matmul {
    void matmul(View a, View b, View out);
}
