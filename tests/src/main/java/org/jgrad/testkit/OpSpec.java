package org.jgrad.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jgrad.Tensor;

/**
 * One op as the registry's generic tests see it: how to make inputs, how to call it, how it must fail, and which
 * checks do not apply to it (with the reason). Integer parameters that an op takes besides tensors (axes, keepDim, a
 * stride, a reduction mode) travel as a trailing I32 tensor among the inputs, so that they are generated, shrunk and
 * printed with the tensors; {@link GradCheck} passes integer inputs through without differentiating them.
 *
 * @param name            the op's name, as the user calls it ({@code add}, {@code conv2d}, {@code batchNorm.eval})
 * @param inputs          small F64 inputs inside the op's domain and away from its kinks, small enough for a full
 *                        second-order gradient check (integer index, target and parameter tensors included)
 * @param fn              the op applied to the inputs
 * @param broadcastInputs inputs whose shapes broadcast, or null when the op does not broadcast: every size-1 (or
 *                        missing leading) dimension facing a larger one in another input is a broadcast dimension
 * @param errors          calls that must fail
 * @param notApplicable   the checks that do not apply, each with the reason
 * @param layoutInputs    inputs for the layout checks ({@link Check#STRIDED}, {@link Check#PARITY}): may be larger
 *                        than {@code inputs} (lengths around the SIMD width: 1, 15, 16, 17, 513) and empty where the
 *                        op allows it
 */
public record OpSpec(String name, Gen<Tensor[]> inputs, Function<Tensor[], Tensor> fn, Gen<Tensor[]> broadcastInputs,
        List<ErrorCase> errors, Map<Check, String> notApplicable, Gen<Tensor[]> layoutInputs) {

    /** Checks the components, copies the collections, and defaults {@code layoutInputs} to {@code inputs}. */
    public OpSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputs, name + ": inputs");
        Objects.requireNonNull(fn, name + ": fn");
        errors = List.copyOf(errors);
        EnumMap<Check, String> na = new EnumMap<>(Check.class);
        notApplicable.forEach((check, why) -> {
            if (why == null || why.isBlank())
                throw new IllegalArgumentException(name + ": " + check + " is marked not applicable without a reason");
            na.put(check, why);
        });
        notApplicable = Collections.unmodifiableMap(na);
        if (layoutInputs == null) layoutInputs = inputs;
    }

    /** The six-component form of the test-kit API: the layout checks use {@code inputs}. */
    public OpSpec(String name, Gen<Tensor[]> inputs, Function<Tensor[], Tensor> fn, Gen<Tensor[]> broadcastInputs,
            List<ErrorCase> errors, Map<Check, String> notApplicable) {
        this(name, inputs, fn, broadcastInputs, errors, notApplicable, inputs);
    }

    /** Whether {@code check} applies to this op (it is not marked not applicable). */
    public boolean applies(Check check) {
        return !notApplicable.containsKey(check);
    }

    /** {@code fn(inputs)}, on a copy of the array so the op cannot disturb the caller's. */
    public Tensor apply(Tensor... in) {
        return fn.apply(in.clone());
    }

    @Override
    public String toString() {
        return "OpSpec[" + name + "]";
    }

    /** A builder: {@code OpSpec.builder("add").inputs(g).fn(f).broadcastInputs(b).error(e).build()}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Collects an {@link OpSpec} piece by piece; {@code inputs} and {@code fn} are required. */
    public static final class Builder {
        private final String name;
        private Gen<Tensor[]> inputs, broadcastInputs, layoutInputs;
        private Function<Tensor[], Tensor> fn;
        private final List<ErrorCase> errors = new ArrayList<>();
        private final Map<Check, String> notApplicable = new EnumMap<>(Check.class);

        private Builder(String name) {
            this.name = name;
        }

        public Builder inputs(Gen<Tensor[]> gen) {
            inputs = gen;
            return this;
        }

        public Builder fn(Function<Tensor[], Tensor> f) {
            fn = f;
            return this;
        }

        public Builder broadcastInputs(Gen<Tensor[]> gen) {
            broadcastInputs = gen;
            return this;
        }

        public Builder layoutInputs(Gen<Tensor[]> gen) {
            layoutInputs = gen;
            return this;
        }

        public Builder error(ErrorCase e) {
            errors.add(e);
            return this;
        }

        public Builder errors(List<ErrorCase> es) {
            errors.addAll(es);
            return this;
        }

        /** Marks {@code check} as not applicable to this op, for {@code reason}. */
        public Builder notApplicable(Check check, String reason) {
            notApplicable.put(check, reason);
            return this;
        }

        public OpSpec build() {
            return new OpSpec(name, inputs, fn, broadcastInputs, errors, notApplicable, layoutInputs);
        }
    }
}
