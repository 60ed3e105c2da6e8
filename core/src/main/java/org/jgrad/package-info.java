/**
 * jgrad's user API: {@link org.jgrad.Tensor} (views, ops, autograd state), {@link org.jgrad.Functional}
 * (neural-network functions), {@link org.jgrad.Autograd} and {@link org.jgrad.Grad} (differentiation and its
 * modes), {@link org.jgrad.CustomOp} (user-written backward rules) and {@link org.jgrad.Device} (backends).
 *
 * <p>Every op is either a primitive kernel of the {@link org.jgrad.spi.Backend} SPI or a composite of other
 * ops; backward rules are written in Tensor ops too, so gradients of gradients come for free.
 */
package org.jgrad;
