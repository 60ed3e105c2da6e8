/**
 * The contract between core and a backend: {@link org.jgrad.spi.Backend}'s primitive kernels over
 * {@link org.jgrad.spi.View}s (a {@link org.jgrad.spi.Storage} seen through a {@link org.jgrad.spi.Layout}),
 * registered through {@link org.jgrad.spi.BackendProvider}. {@link org.jgrad.spi.ReferenceBackend} is the scalar
 * oracle; {@link org.jgrad.spi.Philox} defines the random numbers every backend must produce.
 */
package org.jgrad.spi;
