package org.jgrad.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A seeded generator of shrinkable values: {@code generate} must be a pure function of the random source, so a
 * seed reproduces the value and every shrink candidate. Combinators keep shrinking: {@link #map} and
 * {@link #flatMap} shrink through their source, {@link #zip} shrinks each side in turn.
 * <pre>{@code
 * Gen<Tensor> x = Gens.tensors(Gens.shape(1, 3, 1, 5), Domain.real(), DType.F64);
 * Props.forAll("exp is positive", x, t -> assertTrue(t.exp().min().item() > 0));
 * }</pre>
 */
@FunctionalInterface
public interface Gen<T> {

    /**
     * How many consecutive values {@link #filter} may reject before it gives up: a filter that rejects more than
     * 99% of values is a generator that should be written constructively instead.
     */
    int FILTER_TRIES = 100;

    /** A value drawn from {@code random}, with its shrink candidates. */
    Shrinkable<T> generate(SplittableRandom random);

    /** The values {@code f(t)}, shrinking as {@code t} shrinks. */
    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return random -> generate(random).<R>map(f);
    }

    /**
     * A generator whose shape depends on a generated value: {@code t} is drawn, then {@code f(t)} is drawn from a
     * seed fixed at generation time. Shrinks {@code t} first (re-drawing {@code f(t')} from the same seed), then
     * the inner value with {@code t} held.
     */
    default <R> Gen<R> flatMap(Function<? super T, ? extends Gen<R>> f) {
        return random -> {
            Shrinkable<T> outer = generate(random);
            long seed = random.nextLong();
            return Combine.bind(outer, f, seed);
        };
    }

    /**
     * Only values that satisfy {@code keep}: draws again on rejection, up to {@link #FILTER_TRIES} times, then fails
     * with an {@link IllegalStateException} naming the last rejected value. Shrink candidates are filtered too.
     */
    default Gen<T> filter(Predicate<? super T> keep) {
        return random -> {
            Shrinkable<T> last = null;
            for (int i = 0; i < FILTER_TRIES; i++) {
                last = generate(random);
                if (keep.test(last.value())) return last.filter(keep);
            }
            throw new IllegalStateException("Gen.filter: " + FILTER_TRIES + " values in a row were rejected (last: "
                    + Props.describe(last.value()) + "); generate valid values directly instead of filtering");
        };
    }

    /** Always {@code value}; nothing to shrink. */
    static <T> Gen<T> constant(T value) {
        return random -> Shrinkable.of(value);
    }

    /** Uniform integers in {@code [lo, hi]} (both inclusive), shrinking toward {@code lo}. */
    static Gen<Integer> ints(int lo, int hi) {
        if (lo > hi) throw new IllegalArgumentException("Gen.ints: empty range [" + lo + ", " + hi + "]");
        return random -> Combine.intTowards(lo, (int) random.nextLong(lo, hi + 1L));
    }

    /**
     * Uniform doubles in {@code [lo, hi]}, shrinking toward the point of the range nearest 0 (0 itself when the
     * range contains it), which is where a failing value is easiest to read.
     */
    static Gen<Double> doubles(double lo, double hi) {
        if (!(lo <= hi) || !Double.isFinite(lo) || !Double.isFinite(hi))
            throw new IllegalArgumentException("Gen.doubles: needs finite lo <= hi, got [" + lo + ", " + hi + "]");
        double origin = Math.min(Math.max(0, lo), hi);
        return random -> Combine.doubleTowards(origin, lo == hi ? lo : lo + (hi - lo) * random.nextDouble());
    }

    /** One of {@code values}, uniformly, shrinking toward the first. */
    @SafeVarargs
    static <T> Gen<T> oneOf(T... values) {
        if (values.length == 0) throw new IllegalArgumentException("Gen.oneOf: no values to choose from");
        List<T> copy = new ArrayList<>(values.length);                // a copy: later writes to values do not leak in
        for (T v : values) copy.add(v);
        return ints(0, copy.size() - 1).map(copy::get);
    }

    /** {@code f(a, b)} for independent draws of {@code a} then {@code b}; shrinks {@code a} first, then {@code b}. */
    static <A, B, R> Gen<R> zip(Gen<A> a, Gen<B> b, BiFunction<? super A, ? super B, ? extends R> f) {
        Objects.requireNonNull(f, "f");
        return random -> {
            Shrinkable<A> sa = a.generate(random);
            Shrinkable<B> sb = b.generate(random);
            return Combine.zip(sa, sb, f);
        };
    }

    /** A value that cannot shrink, for seeds and other draws whose "simpler" form means nothing. */
    static Gen<Long> longs() {
        return random -> Shrinkable.of(random.nextLong());
    }
}
