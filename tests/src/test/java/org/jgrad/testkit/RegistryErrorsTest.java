package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.jgrad.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For every registered op, each bad input is rejected with the expected exception type, a message holding every
 * expected fragment (the op's name, the offending shapes, axis or value), and its input tensors left as they were:
 * same values, same version counters.
 */
final class RegistryErrorsTest {

    @TestFactory
    Stream<DynamicTest> badInputsAreRejectedClearlyAndChangeNothing() {
        // error cases are fixed inputs, not generated ones: each runs once
        return RegistryTests.perOp(Check.ERRORS, op -> {
            List<String> bad = new ArrayList<>();
            assertTrue(!op.errors().isEmpty(), op.name() + " has no error cases but ERRORS is not marked inapplicable");
            for (ErrorCase e : op.errors()) {
                String m = failure(e);
                if (m != null) bad.add(op.name() + " with " + e.description() + ": " + m);
            }
            assertTrue(bad.isEmpty(), () -> String.join("\n", bad));
        });
    }

    /** What is wrong with how {@code e} failed, or null when it failed as expected and changed nothing. */
    static String failure(ErrorCase e) {
        Tensor[] in = e.inputs();
        int[] versions = Arrays.stream(in).mapToInt(Tensor::version).toArray();
        double[][] values = Arrays.stream(in).map(Tensor::toDoubleArray).toArray(double[][]::new);
        Throwable thrown = null;
        try {
            e.call().get();
        } catch (Throwable t) {
            thrown = t;
        }
        if (thrown == null) return "returned normally, expected " + e.type().getSimpleName();
        if (!e.type().isInstance(thrown)) return "threw " + thrown + ", expected " + e.type().getSimpleName();
        String message = String.valueOf(thrown.getMessage());
        List<String> missing = e.messageFragments().stream().filter(f -> !message.contains(f)).toList();
        if (!missing.isEmpty()) return "the message \"" + message + "\" lacks " + missing;
        for (int i = 0; i < in.length; i++) {
            if (in[i].version() != versions[i])
                return "input " + i + "'s version went from " + versions[i] + " to " + in[i].version();
            if (!Arrays.equals(values[i], in[i].toDoubleArray()))
                return "input " + i + "'s values changed: " + Props.describe(in[i]);
        }
        return null;
    }
}
