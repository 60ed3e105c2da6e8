package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.stream.Stream;
import org.jgrad.Grad;
import org.jgrad.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For every broadcasting registered op, implicit broadcasting gives bitwise the output of explicitly expanded
 * operands (as stride-0 views and as dense copies), and gradients that are the expanded gradients summed back.
 */
final class RegistryBroadcastTest {

    @TestFactory
    Stream<DynamicTest> broadcastingEqualsExplicitExpand() {
        return RegistryTests.perOp(Check.BROADCAST, op -> Props.forAll(op.name() + ": broadcasting equals explicit"
                + " expand", op.broadcastInputs(), in -> {
                    Tensor[] x = RegistryTests.onReference(in);
                    boolean backward = op.applies(Check.GRAD);
                    OpRun expected = OpRun.of(op, x, backward, RegistryTests.GRAD_OUTPUT_SEED);
                    Tensor[] expanded = expandExplicitly(x), dense = new Tensor[x.length];
                    for (int i = 0; i < x.length; i++) dense[i] = expanded[i].contiguous();
                    assertNull(expected.bitwiseMismatch(summedBack(op, expanded, x, backward)), "expand() views");
                    assertNull(expected.bitwiseMismatch(summedBack(op, dense, x, backward)), "dense expanded copies");
                }));
    }

    /** The op on the expanded operands, with each gradient summed back to its operand's original shape. */
    private static OpRun summedBack(OpSpec op, Tensor[] expanded, Tensor[] original, boolean backward) {
        OpRun run = OpRun.of(op, expanded, backward, RegistryTests.GRAD_OUTPUT_SEED);
        Tensor[] g = run.grads().clone();
        int k = 0;
        try (var off = Grad.disabled()) {
            for (Tensor t : original) {
                if (!t.dtype().isFloating() || k >= g.length) continue;
                if (g[k] != null) g[k] = g[k].sumTo(t.shape());
                k++;
            }
        }
        return new OpRun(run.output(), g);
    }

    /**
     * Each operand expanded wherever it has size 1 (or lacks a leading dimension) and the operands that have that
     * (right-aligned) dimension agree on one size above 1; dimensions where the operands hold several different
     * sizes (matmul's m, k, n) are left alone. That is NumPy's rule for elementwise ops and the batch rule of matmul.
     */
    static Tensor[] expandExplicitly(Tensor[] in) {
        int rank = Arrays.stream(in).mapToInt(Tensor::rank).max().orElse(0);
        Tensor[] out = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            int[] s = in[i].shape(), target = new int[rank];
            int lead = rank - s.length;
            for (int d = 0; d < rank; d++) {
                int own = d < lead ? 1 : s[d - lead], common = commonSize(in, rank, d);
                target[d] = own == 1 && common >= 0 ? common : own;
            }
            out[i] = in[i].expand(target);
        }
        return out;
    }

    /** The one size other than 1 the operands have at right-aligned dimension d, or -1 if none or several. */
    private static int commonSize(Tensor[] in, int rank, int d) {
        int size = -1;
        for (Tensor t : in) {
            int[] s = t.shape();
            int at = d - (rank - s.length);
            if (at < 0 || s[at] == 1) continue;
            if (size >= 0 && size != s[at]) return -1;
            size = s[at];
        }
        return size;
    }
}
