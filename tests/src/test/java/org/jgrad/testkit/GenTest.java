package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Generators draw inside their bounds, are pure functions of the seed, and shrink toward their simplest value. */
class GenTest {

    private static <T> List<T> candidates(Shrinkable<T> s) {
        return s.shrinks().get().map(Shrinkable::value).collect(Collectors.toList());
    }

    /** Follows the first candidate that satisfies {@code stillFails} until none does: what Props does. */
    private static <T> T shrinkGreedily(Shrinkable<T> s, java.util.function.Predicate<T> stillFails) {
        Shrinkable<T> cur = s;
        for (boolean moved = true; moved; ) {
            moved = false;
            for (Shrinkable<T> c : (Iterable<Shrinkable<T>>) cur.shrinks().get()::iterator) {
                if (stillFails.test(c.value())) {
                    cur = c;
                    moved = true;
                    break;
                }
            }
        }
        return cur.value();
    }

    @Test
    void intsStayInRangeAndShrinkTowardLoFirst() {
        // every draw lies in [lo, hi]; the first candidate is lo itself, the most aggressive shrink
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 200; i++) {
            Shrinkable<Integer> s = Gen.ints(-3, 7).generate(r);
            assertTrue(s.value() >= -3 && s.value() <= 7, "out of range: " + s.value());
            List<Integer> c = candidates(s);
            if (s.value() != -3) assertEquals(-3, c.getFirst());
            else assertTrue(c.isEmpty());
            c.forEach(v -> assertTrue(v >= -3 && v < s.value(), "candidate " + v + " of " + s.value()));
        }
    }

    @Test
    void intShrinkingFindsTheBoundaryOfAFailure() {
        // a failure for every v >= 37 shrinks to exactly 37 by the halving candidates
        Shrinkable<Integer> s = Combine.intTowards(0, 1000);
        assertEquals(37, shrinkGreedily(s, v -> v >= 37));
    }

    @Test
    void intsCoverTheWholeIntRange() {
        // hi = Integer.MAX_VALUE must not overflow the inclusive bound
        Shrinkable<Integer> s = Gen.ints(Integer.MAX_VALUE - 1, Integer.MAX_VALUE).generate(new SplittableRandom(3));
        assertTrue(s.value() >= Integer.MAX_VALUE - 1);
        assertThrows(IllegalArgumentException.class, () -> Gen.ints(2, 1));
    }

    @Test
    void doublesStayInRangeAndShrinkTowardZero() {
        // a failure for every x >= 0.5 of [-1, 1] shrinks close to 0.5, the simplest failing value
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 100; i++) {
            double v = Gen.doubles(-1, 1).generate(r).value();
            assertTrue(v >= -1 && v <= 1);
        }
        double x = shrinkGreedily(Combine.doubleTowards(0, 0.99), v -> v >= 0.5);
        assertTrue(x >= 0.5 && x < 0.51, "shrunk to " + x);
        Shrinkable<Double> point = Gen.doubles(0.25, 0.25).generate(r);
        assertEquals(0.25, point.value());
        assertTrue(candidates(point).isEmpty(), "a one-point range has nothing simpler");
    }

    @Test
    void oneOfShrinksTowardTheFirstValue() {
        // the candidates of any choice start with the first value
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 50; i++) {
            Shrinkable<String> s = Gen.oneOf("a", "b", "c").generate(r);
            if (!s.value().equals("a")) assertEquals("a", candidates(s).getFirst());
        }
    }

    @Test
    void mapAndZipKeepShrinking() {
        // zip shrinks its left side, then its right; map applies to every candidate
        Gen<String> g = Gen.zip(Gen.ints(0, 9), Gen.ints(0, 9), (a, b) -> a + ":" + b).map(s -> "<" + s + ">");
        Shrinkable<String> s = g.generate(new SplittableRandom(5));
        String min = shrinkGreedily(s, v -> true);
        assertEquals("<0:0>", min);
    }

    @Test
    void flatMapRedrawsTheInnerValueFromTheSameSeed() {
        // a list whose length shrinks keeps a prefix of the same elements
        Gen<List<Integer>> lists = Gen.ints(0, 8).flatMap(n -> r -> {
            List<Integer> l = new ArrayList<>();
            for (int i = 0; i < n; i++) l.add(r.nextInt(100));
            return Shrinkable.of(l);
        });
        Shrinkable<List<Integer>> s = lists.generate(new SplittableRandom(6));
        for (Shrinkable<List<Integer>> c : (Iterable<Shrinkable<List<Integer>>>) s.shrinks().get()::iterator)
            assertEquals(s.value().subList(0, c.value().size()), c.value());
    }

    @Test
    void filterRetriesAndFailsClearlyWhenNothingPasses() {
        // a filter keeps only accepted values and candidates, and names the problem when it cannot find one
        Gen<Integer> even = Gen.ints(0, 100).filter(v -> v % 2 == 0);
        Shrinkable<Integer> s = even.generate(new SplittableRandom(7));
        assertEquals(0, s.value() % 2);
        candidates(s).forEach(v -> assertEquals(0, v % 2));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Gen.ints(0, 100).filter(v -> v > 1000).generate(new SplittableRandom(8)));
        assertTrue(e.getMessage().contains("rejected"), e.getMessage());
    }

    @Test
    void generatorsArePureFunctionsOfTheSeed() {
        // the same seed gives the same value and the same candidates
        Gen<int[]> g = Gens.shape(0, 4, 0, 6);
        Shrinkable<int[]> a = g.generate(new SplittableRandom(9)), b = g.generate(new SplittableRandom(9));
        assertArrayEquals(a.value(), b.value());
        List<int[]> ca = candidates(a), cb = candidates(b);
        assertEquals(ca.size(), cb.size());
        for (int i = 0; i < ca.size(); i++) assertArrayEquals(ca.get(i), cb.get(i));
        assertFalse(Shrinkable.of(1).shrinks().get().findAny().isPresent());
    }
}
