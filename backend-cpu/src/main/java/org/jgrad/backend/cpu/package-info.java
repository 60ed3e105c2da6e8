/** The Vector-API CPU backend lands with its own issue; this module provides no backend yet, so {@code Device.cpu()} reports it as missing. */
package org.jgrad.backend.cpu;
