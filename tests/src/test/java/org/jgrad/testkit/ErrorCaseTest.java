package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/** The error-case check fails for each way a rejection can go wrong, and passes a clean one. */
final class ErrorCaseTest {

    private static ErrorCase rejecting(Function<Tensor[], ?> call, String... fragments) {
        return ErrorCase.of("test", IllegalArgumentException.class, List.of(fragments), call, Tensor.of(new double[] {1, 2}, 2));
    }

    @Test
    void aCleanRejectionPasses() {
        // the right type, every fragment, inputs untouched
        assertNull(RegistryErrorsTest.failure(rejecting(in -> { throw new IllegalArgumentException("op: bad [2]"); }, "op:", "[2]")));
    }

    @Test
    void aCallThatReturnsFails() {
        // a rejection that never happens is the first thing to catch
        assertTrue(RegistryErrorsTest.failure(rejecting(in -> in[0])).startsWith("returned normally"));
    }

    @Test
    void anotherExceptionTypeFails() {
        // a NullPointerException deep in a kernel is not a clear error
        String m = RegistryErrorsTest.failure(rejecting(in -> { throw new IllegalStateException("op: bad"); }, "op:"));
        assertTrue(m.contains("IllegalStateException"), m);
    }

    @Test
    void aMissingFragmentFailsNamingIt() {
        // the message must name the op and the shapes
        String m = RegistryErrorsTest.failure(rejecting(in -> { throw new IllegalArgumentException("bad"); }, "op:", "[2]"));
        assertTrue(m.contains("lacks [op:, [2]]"), m);
    }

    @Test
    void anInputWrittenBeforeTheThrowFails() {
        // a failed call must leave its inputs as they were: the version counter shows the write
        String m = RegistryErrorsTest.failure(rejecting(in -> {
            in[0].fill(7);
            throw new IllegalArgumentException("op: bad");
        }, "op:"));
        assertTrue(m.contains("version went from 0 to 1"), m);
    }

    @Test
    void ofKeepsTheInputsForInspection() {
        // the registry's error cases expose their inputs through the Call supplier
        Tensor x = Tensor.of(new double[] {1}, 1);
        ErrorCase e = ErrorCase.of("d", IllegalArgumentException.class, List.of(), in -> in[0], x);
        assertEquals(1, e.inputs().length);
        assertSame(x, e.inputs()[0]);
    }
}
