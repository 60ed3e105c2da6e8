package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jgrad.DType;
import org.jgrad.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** forAll runs seeded cases, shrinks a failure to a minimal value and reports a seed that replays it. */
class PropsTest {
    private static final Gen<int[]> SHAPES = Gens.shape(1, 4, 0, 6);
    private String savedSeed;

    @BeforeEach
    void clearSeed() {
        savedSeed = System.getProperty("jgrad.seed");
        System.clearProperty("jgrad.seed");
    }

    @AfterEach
    void restoreSeed() {
        if (savedSeed == null) System.clearProperty("jgrad.seed");
        else System.setProperty("jgrad.seed", savedSeed);
    }

    /** Fails for any shape with a dimension of 3 or more. */
    private static void noDimAtLeast3(int[] shape) {
        for (int d : shape) if (d >= 3) throw new AssertionError("dimension " + d + " in " + Arrays.toString(shape));
    }

    private static AssertionError failure(String property, Gen<int[]> gen) {
        return assertThrows(AssertionError.class, () -> Props.forAll(property, gen, PropsTest::noDimAtLeast3));
    }

    private static long seedOf(String message) {
        Matcher m = Pattern.compile("-Djgrad\\.seed=(-?\\d+)").matcher(message);
        assertTrue(m.find(), "no replay seed in: " + message);
        return Long.parseLong(m.group(1));
    }

    @Test
    void passingPropertyRunsEveryCase() {
        // a property that holds runs jgrad.cases cases and returns normally
        List<int[]> seen = new ArrayList<>();
        Props.forAll("shapes are small", SHAPES, seen::add);
        assertEquals(Props.cases(), seen.size());
    }

    @Test
    void plantedFailureShrinksToTheMinimalShape() {
        // "no dimension >= 3" fails; the minimal counterexample is the rank-1 shape [3]
        AssertionError e = failure("no dimension reaches 3", SHAPES);
        String msg = e.getMessage();
        assertTrue(msg.contains("minimal value:    [3]"), msg);
        assertTrue(msg.contains("Property 'no dimension reaches 3' failed"), msg);
        assertTrue(msg.contains("dimension 3 in [3]"), "the minimal failure's message: " + msg);
        assertInstanceOf(AssertionError.class, e.getCause(), "the original failure is the cause");
        assertTrue(msg.contains("original failure: java.lang.AssertionError: " + e.getCause().getMessage()), msg);
    }

    @Test
    void tensorFailureShrinksToTheSmallestTensor() {
        // a property failing for tensors of 5+ elements shrinks to a 5-element tensor, printed with shape and dtype
        Gen<Tensor> tensors = Gens.tensors(SHAPES, Domain.real(), DType.F64);
        AssertionError e = assertThrows(AssertionError.class, () -> Props.forAll("tensors are tiny", tensors,
                t -> assertTrue(t.numel() < 5, "numel " + t.numel())));
        assertTrue(e.getMessage().contains("minimal value:    tensor [5] F64"), e.getMessage());
    }

    @Test
    void seedIsFixedPerPropertyNameNotTimeBased() {
        // two runs without -Djgrad.seed see the same cases (so CI is reproducible)
        List<String> a = new ArrayList<>(), b = new ArrayList<>();
        Props.forAll("same cases twice", SHAPES, s -> a.add(Arrays.toString(s)));
        Props.forAll("same cases twice", SHAPES, s -> b.add(Arrays.toString(s)));
        assertEquals(a, b);
        assertEquals(Props.caseSeed(Props.nameSeed("x"), 0), Props.nameSeed("x"));
    }

    @Test
    void reportedSeedReplaysTheFailingCaseFirst() {
        // -Djgrad.seed=<reported seed> makes case 1 the original failing value
        AssertionError e = failure("replayable", SHAPES);
        long seed = seedOf(e.getMessage());
        String original = e.getMessage().lines().filter(l -> l.contains("original value:")).findFirst().orElseThrow()
                .replace("original value:", "").strip();
        System.setProperty("jgrad.seed", Long.toString(seed));
        List<String> seen = new ArrayList<>();
        AssertionError again = assertThrows(AssertionError.class, () -> Props.forAll("replayable", SHAPES, s -> {
            seen.add(Arrays.toString(s));
            noDimAtLeast3(s);
        }));
        assertEquals(original, seen.getFirst());
        assertTrue(again.getMessage().contains("failed on case 1 of"), again.getMessage());
        assertEquals(seed, seedOf(again.getMessage()));
    }

    @Test
    void assumptionsDiscardCasesAndAllDiscardedFails() {
        // a TestAbortedException skips a case; a property whose every case is skipped checked nothing and fails
        List<int[]> checked = new ArrayList<>();
        Props.forAll("rank 2 only", SHAPES, s -> {
            Assumptions.assumeTrue(s.length == 2);
            checked.add(s);
        });
        assertTrue(checked.stream().allMatch(s -> s.length == 2));
        AssertionError e = assertThrows(AssertionError.class,
                () -> Props.forAll("nothing", SHAPES, s -> Assumptions.assumeTrue(false)));
        assertTrue(e.getMessage().contains("discarded"), e.getMessage());
    }

    @Test
    void describePrintsTensorsArraysAndRecords() {
        // tensors with shape, dtype and values; int[][] nested; records component by component
        assertEquals("[[1, 2], [3]]", Props.describe(new int[][] {{1, 2}, {3}}));
        assertEquals("[1.5, 2.0]", Props.describe(new double[] {1.5, 2}));
        String t = Props.describe(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).mT());
        assertTrue(t.startsWith("tensor [2, 2] F64 on ") && t.contains("strides [1, 2]") && t.contains("= [1.00000, 3.00000,"), t);
        record Case(int[] shape, Tensor x) {
        }
        String r = Props.describe(new Case(new int[] {2}, Tensor.of(new int[] {7, 8}, 2)));
        assertTrue(r.startsWith("Case[shape=[2], x=tensor [2] I32") && r.contains("= [7, 8]"), r);
        assertTrue(Props.describe(Tensor.zeros(DType.F32, 100)).contains("(76 more)"));
        assertEquals("null", Props.describe(null));
    }

    @Test
    void generatorFailureNamesTheCaseSeed() {
        // a generator that throws is reported with the seed of the case that made it throw
        Gen<Integer> broken = r -> {
            throw new IllegalStateException("boom");
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Props.forAll("broken gen", broken, v -> { }));
        assertTrue(e.getMessage().contains("-Djgrad.seed=") && e.getMessage().contains("boom"), e.getMessage());
        assertNotNull(e.getCause());
    }
}
