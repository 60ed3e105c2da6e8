package org.jgrad.testkit;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jgrad.Tensor;

/**
 * A call that must fail: running {@code call} throws {@code type} (or a subtype) whose message contains every one of
 * {@code messageFragments}. Build it with {@link #of} so the registry's error test can also check that the failed
 * call left its input tensors untouched (values and version counters).
 *
 * @param description      what is wrong with the call, in words
 * @param call             the call; it never returns normally when the op is correct
 * @param type             the exception expected
 * @param messageFragments strings the message must contain: the op's name and the offending shapes, axis or value
 */
public record ErrorCase(String description, Supplier<?> call, Class<? extends Throwable> type,
        List<String> messageFragments) {

    /** Checks the components and copies the fragments. */
    public ErrorCase {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(type, "type");
        messageFragments = List.copyOf(messageFragments);
    }

    /**
     * A failing call of {@code fn} on {@code inputs}, whose inputs a test can inspect through {@link Call#inputs()}.
     */
    public static ErrorCase of(String description, Class<? extends Throwable> type, List<String> messageFragments,
            Function<Tensor[], ?> fn, Tensor... inputs) {
        return new ErrorCase(description, new Call(fn, inputs), type, messageFragments);
    }

    /**
     * The inputs of this case's call when it was built by {@link #of}, else an empty array (nothing to inspect).
     */
    public Tensor[] inputs() {
        return call instanceof Call c ? c.inputs() : new Tensor[0];
    }

    /**
     * {@code fn(inputs)} as a {@link Supplier}: the inputs are kept so that a test can snapshot them before the call
     * and compare afterwards.
     *
     * @param fn     the op applied to the inputs
     * @param inputs the tensors the op is called with (a fresh copy of the array is passed on each call)
     */
    public record Call(Function<Tensor[], ?> fn, Tensor[] inputs) implements Supplier<Object> {
        /** Copies the array of inputs (not the tensors). */
        public Call {
            Objects.requireNonNull(fn, "fn");
            inputs = inputs.clone();
        }

        @Override
        public Tensor[] inputs() {
            return inputs.clone();
        }

        @Override
        public Object get() {
            return fn.apply(inputs.clone());
        }
    }
}
