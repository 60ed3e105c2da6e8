package org.jgrad;

import java.util.List;
import java.util.function.UnaryOperator;

/** One recorded op of the define-by-run tape: its inputs, the tensors its backward rule reads, and the rule. */
final class Node {

    /** The chain rule of one op: the gradients of its inputs given the gradient of its output (null = zero). */
    interface Rule {
        Tensor[] apply(Tensor g);
    }

    final String op;
    /** The composite op the user called that recorded this node, or null. */
    final String inside;
    final Tensor[] inputs;
    final List<UnaryOperator<Tensor>> outputHooks;
    private Tensor[] saved;
    private int[] savedVersions;
    private Rule rule;

    Node(String op, String inside, Tensor[] inputs, Tensor[] saved, Rule rule, List<UnaryOperator<Tensor>> outputHooks) {
        this.op = op;
        this.inside = inside;
        this.inputs = inputs;
        this.saved = saved;
        this.rule = rule;
        this.outputHooks = outputHooks;
        savedVersions = new int[saved.length];
        for (int i = 0; i < saved.length; i++) savedVersions[i] = saved[i].storage.version();
    }

    /** Runs the rule after checking that nothing it reads was written in place and that it was not freed. */
    Tensor[] backward(Tensor g) {
        if (rule == null)
            throw new IllegalStateException("backward: the graph through " + describe() + " was already freed by an earlier"
                    + " backward(); pass retainGraph = true to the first backward to go through it twice");
        for (int i = 0; i < saved.length; i++) {
            int now = saved[i].storage.version();
            if (now != savedVersions[i])
                throw new IllegalStateException("backward: " + describe() + " needs the " + Errors.describe(saved[i])
                        + " it saved, but that tensor was modified in place afterwards (version " + savedVersions[i]
                        + ", now " + now + ")");
        }
        return rule.apply(g);
    }

    /** {@code 'mul'}, or {@code 'mul' (inside leakyRelu)} for a part of a composite op. */
    String describe() {
        return describe(op, inside);
    }

    static String describe(String op, String inside) {
        return "'" + op + "'" + (inside == null ? "" : " (inside " + inside + ")");
    }

    /** Drops the rule and what it saved, so the memory of the forward pass can be reclaimed. */
    void release() {
        rule = null;
        saved = new Tensor[0];
        savedVersions = new int[0];
    }
}
