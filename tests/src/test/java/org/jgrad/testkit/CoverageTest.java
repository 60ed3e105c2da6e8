package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jgrad.DType;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Every op of the foundation issue is registered, and every registered op has every check: it supplies what the
 * check needs, or says why the check does not apply. Prints the op × check matrix.
 */
final class CoverageTest {
    /** The ops the foundation issue lists (plus erf and casts), each of which must be registered. */
    static final List<String> REQUIRED = List.of(
            "neg", "add", "sub", "mul", "div", "pow", "exp", "log", "sqrt", "rsqrt", "abs", "sign", "tanh", "sigmoid",
            "relu", "leakyRelu", "gelu", "silu", "sin", "cos", "clamp", "maximum", "minimum", "lt", "le", "gt", "ge",
            "eq", "ne", "where", "erf", "to",
            "sum", "mean", "max", "min", "argmax", "argmin", "var", "std", "logsumexp", "matmul",
            "cat", "stack", "pad", "gather", "scatterAdd", "indexSelect", "oneHot",
            "reshape", "permute", "transpose", "expand", "narrow", "squeeze", "unsqueeze", "flatten", "contiguous",
            "asStrided",
            "softmax", "logSoftmax", "crossEntropy", "nllLoss", "mseLoss", "l1Loss", "bceWithLogits", "linear",
            "conv2d", "maxPool2d", "avgPool2d", "dropout", "embedding", "batchNorm", "batchNorm.eval", "layerNorm");

    /** A cell of the matrix. */
    enum Cell { COVERED, NOT_APPLICABLE, EMPTY }

    @Test
    void everyRequiredOpIsRegisteredAndEveryCellIsCoveredOrExplained() {
        // the matrix goes to stdout (target/surefire-reports/*-output.txt) so a reader sees what is checked where
        Map<String, Map<Check, Cell>> matrix = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (OpSpec op : OpRegistry.all()) {
            Map<Check, Cell> row = new EnumMap<>(Check.class);
            for (Check c : Check.values()) {
                Cell cell = cell(op, c, problems);
                row.put(c, cell);
                if (cell == Cell.EMPTY) problems.add(op.name() + " × " + c + ": neither supplied nor marked not applicable");
            }
            matrix.put(op.name(), row);
        }
        for (String name : REQUIRED)
            if (!matrix.containsKey(name)) problems.add(name + ": listed by the foundation issue but not registered");
        System.out.println(render(matrix));
        assertTrue(problems.isEmpty(), () -> problems.size() + " coverage problems:\n  " + String.join("\n  ", problems));
    }

    @Test
    void anOpWithNothingForACheckLeavesThatCellEmptyAndContradictionsAreReported() {
        // the matrix must be able to fail: no error cases and no reason is an empty ERRORS cell, and an op that
        // supplies broadcast inputs while calling BROADCAST inapplicable is a contradiction
        OpSpec bare = OpSpec.builder("bare").inputs(Gen.constant(new Tensor[] {Tensor.zeros(DType.F64, 2)}))
                .fn(in -> in[0].neg()).build();
        List<String> problems = new ArrayList<>();
        assertTrue(cell(bare, Check.ERRORS, problems) == Cell.EMPTY);
        assertTrue(cell(bare, Check.BROADCAST, problems) == Cell.EMPTY);
        assertTrue(cell(bare, Check.GRAD, problems) == Cell.COVERED);
        OpSpec odd = OpSpec.builder("odd").inputs(bare.inputs()).fn(bare.fn()).broadcastInputs(bare.inputs())
                .notApplicable(Check.BROADCAST, "says so").build();
        assertTrue(cell(odd, Check.BROADCAST, problems) == Cell.NOT_APPLICABLE);
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().contains("broadcast inputs are given but the check is marked not applicable"));
    }

    /** Whether op supplies what check needs, is marked not applicable, or neither; contradictions go to problems. */
    static Cell cell(OpSpec op, Check check, List<String> problems) {
        boolean na = !op.applies(check);
        boolean supplied = switch (check) {
            case GRAD, GRAD_GRAD -> hasFloatingInput(op.inputs());
            case STRIDED -> samples(op.layoutInputs());
            case BROADCAST -> op.broadcastInputs() != null && samples(op.broadcastInputs());
            case ERRORS -> !op.errors().isEmpty();
            case PARITY -> BackendParity.canRun(op);
        };
        if (na && check == Check.BROADCAST && op.broadcastInputs() != null)
            problems.add(op.name() + " × BROADCAST: broadcast inputs are given but the check is marked not applicable");
        if (na && check == Check.ERRORS && !op.errors().isEmpty())
            problems.add(op.name() + " × ERRORS: error cases are given but the check is marked not applicable");
        return na ? Cell.NOT_APPLICABLE : supplied ? Cell.COVERED : Cell.EMPTY;
    }

    /** Whether the generator makes inputs (one fixed-seed sample) at all. */
    private static boolean samples(Gen<Tensor[]> gen) {
        return gen != null && gen.generate(new SplittableRandom(7)).value().length > 0;
    }

    /** Whether a gradient check has something to differentiate: a floating input in a fixed-seed sample. */
    private static boolean hasFloatingInput(Gen<Tensor[]> gen) {
        return Arrays.stream(gen.generate(new SplittableRandom(7)).value()).anyMatch(t -> t.dtype().isFloating());
    }

    static String render(Map<String, Map<Check, Cell>> matrix) {
        StringBuilder sb = new StringBuilder(String.format("%-16s", "op"));
        for (Check c : Check.values()) sb.append(String.format("%-11s", c));
        sb.append('\n');
        int[] counts = new int[Cell.values().length];
        matrix.forEach((name, row) -> {
            sb.append(String.format("%-16s", name));
            row.values().forEach(cell -> {
                counts[cell.ordinal()]++;
                sb.append(String.format("%-11s", switch (cell) {
                    case COVERED -> "ok";
                    case NOT_APPLICABLE -> "n/a";
                    case EMPTY -> "EMPTY";
                }));
            });
            sb.append('\n');
        });
        return sb.append(matrix.size()).append(" ops: ").append(counts[0]).append(" cells covered, ").append(counts[1])
                .append(" not applicable (with reasons), ").append(counts[2]).append(" empty").toString();
    }
}
