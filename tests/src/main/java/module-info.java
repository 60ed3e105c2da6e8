/**
 * jgrad's test kit: seeded property tests with integrated shrinking ({@link org.jgrad.testkit.Props},
 * {@link org.jgrad.testkit.Gen}), tensor generators ({@link org.jgrad.testkit.Gens}), non-contiguous views
 * ({@link org.jgrad.testkit.Strided}) and gradient checks ({@link org.jgrad.testkit.GradCheck}), published so that
 * users test their own ops and modules the way jgrad tests its own.
 */
module org.jgrad.testkit {
    requires transitive org.jgrad.core;
    requires transitive org.junit.jupiter.api;
    exports org.jgrad.testkit;
}
