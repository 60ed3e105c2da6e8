/** JMH benchmarks for jgrad; build {@code bench/target/benchmarks.jar} with {@code ./mvnw -B -Pbench -pl bench -am package}. */
package org.jgrad.bench;
