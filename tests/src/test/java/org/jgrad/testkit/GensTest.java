package org.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.jgrad.DType;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/** Shapes, lengths, broadcast pairs and tensors stay within their bounds and shrink toward the smallest case. */
class GensTest {

    @Test
    void shapesRespectRankAndDimensionBounds() {
        // rank in [minRank, maxRank], every dimension in [minDim, maxDim], for values and candidates
        Gen<int[]> g = Gens.shape(1, 4, 0, 5);
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 200; i++) {
            Shrinkable<int[]> s = g.generate(r);
            check(s.value(), 1, 4, 0, 5);
            s.shrinks().get().limit(30).forEach(c -> check(c.value(), 1, 4, 0, 5));
        }
    }

    private static void check(int[] shape, int minRank, int maxRank, int minDim, int maxDim) {
        assertTrue(shape.length >= minRank && shape.length <= maxRank, Arrays.toString(shape));
        for (int d : shape) assertTrue(d >= minDim && d <= maxDim, Arrays.toString(shape));
    }

    @Test
    void shapeShrinksDimensionsToOneBeforeZero() {
        // always taking the first candidate, [4, 5] passes through [1, 1] before any dimension becomes 0
        Shrinkable<int[]> cur = Gens.shapeTree(new int[] {4, 5}, 2, 0);
        List<String> path = new java.util.ArrayList<>();
        for (var next = cur.shrinks().get().findFirst(); next.isPresent(); next = cur.shrinks().get().findFirst()) {
            cur = next.get();
            path.add(Arrays.toString(cur.value()));
        }
        assertEquals("[0, 0]", path.getLast());
        int ones = path.indexOf("[1, 1]");
        assertTrue(ones >= 0 && path.subList(0, ones).stream().noneMatch(p -> p.contains("0")), "path " + path);
    }

    @Test
    void shapeShrinksTowardMinRankByDroppingDimensions() {
        // a rank-4 shape offers rank-1 candidates first (a run of 3 dimensions removed), never below minRank
        Shrinkable<int[]> s = Gens.shapeTree(new int[] {2, 3, 4, 5}, 1, 1);
        assertEquals(1, s.shrinks().get().findFirst().orElseThrow().value().length);
        assertTrue(s.shrinks().get().allMatch(c -> c.value().length >= 1));
    }

    @Test
    void simdLengthsCoverTheEdgesAndShrinkToOne() {
        // every edge length appears in a few hundred draws; all lengths lie in 1..513 and shrink toward 1
        Set<Integer> seen = new HashSet<>();
        SplittableRandom r = new SplittableRandom(12);
        for (int i = 0; i < 400; i++) {
            Shrinkable<Integer> s = Gens.simdLength().generate(r);
            seen.add(s.value());
            assertTrue(s.value() >= 1 && s.value() <= 513);
            if (s.value() > 1) assertEquals(1, s.shrinks().get().findFirst().orElseThrow().value());
        }
        assertTrue(seen.containsAll(List.of(1, 15, 16, 17, 513)), "seen " + seen);
    }

    @Test
    void broadcastPairsBroadcastAndIncludeSizeOneAndDroppedDims() {
        // add() accepts every generated pair; size-1 dims and rank differences both occur
        SplittableRandom r = new SplittableRandom(13);
        boolean sawOne = false, sawRankDiff = false;
        for (int i = 0; i < 200; i++) {
            Shrinkable<int[][]> s = Gens.broadcastPair(4, 4).generate(r);
            int[] a = s.value()[0], b = s.value()[1];
            Tensor.zeros(DType.F64, a).add(Tensor.zeros(DType.F64, b));
            sawOne |= Arrays.stream(a).anyMatch(d -> d == 1) || Arrays.stream(b).anyMatch(d -> d == 1);
            sawRankDiff |= a.length != b.length;
            s.shrinks().get().limit(10).forEach(c -> Tensor.zeros(DType.F64, c.value()[0]).add(Tensor.zeros(DType.F64, c.value()[1])));
        }
        assertTrue(sawOne && sawRankDiff);
    }

    @Test
    void tensorsAreDeterministicAndInTheirDomain() {
        // same seed, same tensor; every element is in the domain, at least gap from the kinks; integers are integral
        Domain d = Domain.awayFrom(-1, 1, 0.1, 0, 0.5);
        Tensor a = Gens.tensor(new int[] {4, 25}, d, DType.F64, 42), b = Gens.tensor(new int[] {4, 25}, d, DType.F64, 42);
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
        for (double v : a.toDoubleArray()) assertTrue(d.contains(v), "value " + v + " outside " + d);
        for (double v : Gens.tensor(new int[] {100}, Domain.awayFrom(-5, 5, 0.5, 0), DType.I32, 1).toDoubleArray())
            assertTrue(v == Math.rint(v) && v != 0 && Math.abs(v) <= 5, "I32 value " + v);
        for (double v : Gens.tensor(new int[] {50}, Domain.range(-1000, 1000), DType.I8, 1).toDoubleArray())
            assertTrue(v >= -128 && v <= 127);
        Tensor bools = Gens.tensor(new int[] {64}, Domain.real(), DType.BOOL, 3);
        assertEquals(DType.BOOL, bools.dtype());
        double sum = Arrays.stream(bools.toDoubleArray()).sum();
        assertTrue(sum > 0 && sum < 64, "both values appear");
    }

    @Test
    void tensorGeneratorShrinksWithTheShapeKeepingAPrefixOfValues() {
        // a shrunk 1-d tensor holds the first values of the original
        Shrinkable<Tensor> s = Gens.tensors(Gens.shape(1, 1, 5, 9), Domain.real(), DType.F64).generate(new SplittableRandom(14));
        double[] v = s.value().toDoubleArray();
        s.shrinks().get().forEach(c -> {
            double[] w = c.value().toDoubleArray();
            assertArrayEquals(Arrays.copyOf(v, w.length), w);
        });
    }

    @Test
    void domainsSampleAwayFromKinksAndRejectEmptySets() {
        // uniform over [lo, hi] minus the gaps; a domain with nothing left is an error that says so
        Domain d = Domain.awayFrom(-1, 1, 0.3, -0.5, 0, 0.5);
        SplittableRandom r = new SplittableRandom(15);
        for (int i = 0; i < 1000; i++) assertTrue(d.contains(d.sample(r)));
        assertEquals(Domain.awayFrom(-1, 1, 0.3, -0.5, 0, 0.5), d);
        assertTrue(Domain.positive().lo() > 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Domain.awayFrom(-1, 1, 2, 0));
        assertTrue(e.getMessage().contains("away from"), e.getMessage());
    }
}
