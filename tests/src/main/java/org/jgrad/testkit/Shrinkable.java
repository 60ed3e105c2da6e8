package org.jgrad.testkit;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A generated value with its own simpler candidates (integrated shrinking, as in Hedgehog and Hypothesis): the
 * candidates are computed lazily, most aggressive first, and each is again a {@code Shrinkable}, so the values
 * that {@link #map} and {@link Gen#flatMap} derive keep shrinking with their source.
 *
 * @param value   the generated value
 * @param shrinks the simpler candidates, computed on demand; each call returns a fresh stream
 */
public record Shrinkable<T>(T value, Supplier<Stream<Shrinkable<T>>> shrinks) {

    /** Checks that {@code shrinks} is present (a value without candidates uses {@link #of}). */
    public Shrinkable {
        Objects.requireNonNull(shrinks, "shrinks");
    }

    /** A value that cannot shrink. */
    public static <T> Shrinkable<T> of(T value) {
        return new Shrinkable<>(value, Stream::empty);
    }

    /** This value and every candidate transformed by {@code f}: {@code map(f).value() = f(value())}. */
    public <R> Shrinkable<R> map(Function<? super T, ? extends R> f) {
        return new Shrinkable<>(f.apply(value), () -> shrinks.get().map(s -> s.map(f)));
    }

    /**
     * This value with only the candidates (at every depth) that satisfy {@code keep}; this value itself is not
     * tested, the caller has accepted it.
     */
    public Shrinkable<T> filter(Predicate<? super T> keep) {
        return new Shrinkable<>(value, () -> shrinks.get().filter(s -> keep.test(s.value())).map(s -> s.filter(keep)));
    }
}
