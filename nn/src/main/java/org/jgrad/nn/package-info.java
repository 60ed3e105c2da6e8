/**
 * Layers in PyTorch's shape: {@link org.jgrad.nn.Layer} (named parameters, buffers and children, state dicts,
 * train/eval, moving between devices), the layers themselves, {@link org.jgrad.nn.Init} (seeded initialisers) and
 * {@link org.jgrad.nn.Loss}. A small convnet:
 * <pre>{@code
 * Rng rng = new Rng(42);
 * Layer net = new Sequential(
 *         new Conv2d(1, 32, 3, 1, 1, rng), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
 *         new Flatten(), new Linear(32 * 14 * 14, 10, rng));
 * Tensor loss = Loss.crossEntropy().apply(net.forward(images), labels);
 * loss.backward();                                   // gradients in net.parameters()
 * }</pre>
 */
package org.jgrad.nn;
