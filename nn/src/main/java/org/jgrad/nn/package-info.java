/** Layers, losses, optimizers, schedules, data loading and checkpoints land with the nn issue; nothing is here yet. */
package org.jgrad.nn;
