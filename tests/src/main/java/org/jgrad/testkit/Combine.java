package org.jgrad.testkit;

import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/** The shrink trees behind {@link Gen}'s combinators. */
final class Combine {
    /**
     * How many halvings toward the origin a double offers per step: beyond 2^-10 of the distance a candidate is no
     * easier to read than the value it replaces, and each candidate costs a run of the property.
     */
    private static final int DOUBLE_HALVINGS = 10;

    private Combine() {
    }

    /**
     * {@code v} shrinking toward {@code target}: first {@code target} itself, then {@code v} moved by half the
     * distance, a quarter, … down to one step (a binary search for the boundary of a failure, as Hedgehog does).
     */
    static Shrinkable<Integer> intTowards(int target, int v) {
        return new Shrinkable<>(v, () -> {
            long diff = (long) v - target;
            if (diff == 0) return Stream.empty();
            LongStream halves = LongStream.iterate(diff / 2, h -> h != 0, h -> h / 2);
            return Stream.concat(Stream.of((long) target), halves.mapToObj(h -> v - h).filter(c -> c != target))
                    .map(c -> intTowards(target, (int) (long) c));
        });
    }

    /** {@code v} shrinking toward {@code origin}: the origin, then {@code v} moved halfway, a quarter of the way, … */
    static Shrinkable<Double> doubleTowards(double origin, double v) {
        return new Shrinkable<>(v, () -> {
            if (v == origin) return Stream.<Shrinkable<Double>>empty();
            double diff = v - origin;
            Stream<Double> moved = Stream.iterate(diff / 2, h -> h / 2).limit(DOUBLE_HALVINGS).map(h -> v - h)
                    .filter(c -> c != v && c != origin);
            return Stream.concat(Stream.of(origin), moved).map(c -> doubleTowards(origin, c));
        });
    }

    /** The shrink tree of {@code flatMap}: outer candidates first (inner re-drawn from {@code seed}), then inner ones. */
    static <T, R> Shrinkable<R> bind(Shrinkable<T> outer, Function<? super T, ? extends Gen<R>> f, long seed) {
        Shrinkable<R> inner = f.apply(outer.value()).generate(new SplittableRandom(seed));
        return new Shrinkable<>(inner.value(), () -> Stream.concat(
                outer.shrinks().get().map(o -> bind(o, f, seed)),
                inner.shrinks().get()));
    }

    /** The shrink tree of {@code zip}: candidates of {@code a} with {@code b} held, then of {@code b} with {@code a} held. */
    static <A, B, R> Shrinkable<R> zip(Shrinkable<A> a, Shrinkable<B> b, BiFunction<? super A, ? super B, ? extends R> f) {
        return new Shrinkable<R>(f.apply(a.value(), b.value()), () -> Stream.concat(
                a.shrinks().get().map(a2 -> zip(a2, b, f)),
                b.shrinks().get().map(b2 -> zip(a, b2, f))));
    }
}
