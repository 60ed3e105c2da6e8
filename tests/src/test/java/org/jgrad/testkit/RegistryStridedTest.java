package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jgrad.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For every registered op, every non-contiguous layout of its inputs (transposed copies, poisoned slices, offsets,
 * stride-0 dimensions; one input at a time and all at once) gives bitwise the output, and the gradients, of the
 * contiguous inputs on the reference backend.
 */
final class RegistryStridedTest {

    @TestFactory
    Stream<DynamicTest> everyStridedLayoutGivesTheContiguousResultBitwise() {
        // lengths around the SIMD width (1, 15, 16, 17, 513) and empty shapes come from each op's layout inputs
        return RegistryTests.perOp(Check.STRIDED, op -> Props.forAll(op.name() + ": strided inputs give the contiguous"
                + " result bitwise", op.layoutInputs(), in -> {
                    Tensor[] x = RegistryTests.onReference(in);
                    boolean backward = op.applies(Check.GRAD);
                    OpRun expected = OpRun.of(op, x, backward, RegistryTests.GRAD_OUTPUT_SEED);
                    List<String> bad = new ArrayList<>();
                    for (var layout : OpRun.layouts(x)) {
                        String m = expected.bitwiseMismatch(OpRun.of(op, layout.getValue(), backward, RegistryTests.GRAD_OUTPUT_SEED));
                        if (m != null) bad.add(layout.getKey() + ": " + m);
                    }
                    assertTrue(bad.isEmpty(), () -> String.join("\n", bad));
                }));
    }
}
