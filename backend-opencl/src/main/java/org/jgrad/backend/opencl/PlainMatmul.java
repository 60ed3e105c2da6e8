package org.jgrad.backend.opencl;

import org.jgrad.spi.View;

/** The reference-shaped product of matmul.cl: one work item per output element, any strides, any dtype. */
final class PlainMatmul implements Matmul {
    private final OpenClBackend backend;

    PlainMatmul(OpenClBackend backend) {
        this.backend = backend;
    }

    @Override
    public void matmul(View a, View b, View out) {
        int[] s = out.shape();
        backend.args(a.dtype(), "matmul", a, b, out).mem(a).mem(b).mem(out).int4(layout(a)[0], layout(a)[1], layout(a)[2], layout(a)[3])
                .int4(layout(b)[0], layout(b)[1], layout(b)[2], layout(b)[3])
                .int4(layout(out)[0], layout(out)[1], layout(out)[2], layout(out)[3]).i32(s[1]).i32(s[2]).i32(a.shape()[2])
                .run(new long[] {Cl.roundUp(s[2], 8), Cl.roundUp(s[1], 8), s[0]}, new long[] {8, 8, 1});
    }

    /** (offset, batch stride, row stride, column stride). */
    private static int[] layout(View v) {
        int[] st = v.layout().strides();
        return new int[] {v.layout().offset(), st[0], st[1], st[2]};
    }
}
