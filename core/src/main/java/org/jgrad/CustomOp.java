package org.jgrad;

/**
 * An op with a user-written backward, for rules autograd cannot derive: straight-through estimators,
 * gradient clipping inside the graph, a hand-fused kernel. {@link #forward} runs without recording; the
 * result is attached to the graph with {@link #backward} as its chain rule.
 * <pre>{@code
 * CustomOp ste = CustomOp.of("sign_ste", in -> in[0].sign(), (g, in, out) -> new Tensor[] {g});
 * Tensor y = ste.apply(x);     // y = sign(x), dy/dx := 1
 * }</pre>
 */
public interface CustomOp {

    /** The computation: {@code output = f(inputs)}. */
    interface Forward {
        Tensor apply(Tensor[] inputs);
    }

    /** The chain rule, in Tensor ops: one gradient per input (null where an input gets none). */
    interface Backward {
        Tensor[] apply(Tensor grad, Tensor[] inputs, Tensor output);
    }

    String name();

    Tensor forward(Tensor[] inputs);

    Tensor[] backward(Tensor grad, Tensor[] inputs, Tensor output);

    /** Runs the op on {@code inputs} and records it. */
    default Tensor apply(Tensor... inputs) {
        return Autograd.custom(this, inputs);
    }

    /** A custom op from two lambdas. */
    static CustomOp of(String name, Forward forward, Backward backward) {
        return new CustomOp() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Tensor forward(Tensor[] inputs) {
                return forward.apply(inputs);
            }

            @Override
            public Tensor[] backward(Tensor grad, Tensor[] inputs, Tensor output) {
                return backward.apply(grad, inputs, output);
            }
        };
    }
}
