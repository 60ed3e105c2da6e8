/** The OpenCL backend (LWJGL) lands with its own issue; this module provides no backend yet, so an OpenCL device reports it as missing. */
package org.jgrad.backend.opencl;
