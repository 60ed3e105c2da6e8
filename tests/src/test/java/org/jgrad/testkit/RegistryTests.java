package org.jgrad.testkit;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jgrad.Device;
import org.jgrad.Tensor;
import org.junit.jupiter.api.DynamicTest;

/** What the registry-generated tests share: one dynamic test per op to which a check applies. */
final class RegistryTests {
    /** The output-gradient seed of the layout tests' backward passes. */
    static final long GRAD_OUTPUT_SEED = 0x510E527FADE682D1L;

    private RegistryTests() {
    }

    /** One dynamic test, named after the op, per registered op to which {@code check} applies. */
    static Stream<DynamicTest> perOp(Check check, Consumer<OpSpec> test) {
        return OpRegistry.all().stream().filter(op -> op.applies(check))
                .map(op -> DynamicTest.dynamicTest(op.name(), () -> test.accept(op)));
    }

    /** The inputs on the reference backend, where the bitwise properties are stated. */
    static Tensor[] onReference(Tensor[] in) {
        return OpRun.on(Device.reference(), in);
    }
}
