/**
 * The OpenCL backend ({@code opencl}) through LWJGL 3: {@link org.jgrad.backend.opencl.OpenClProvider} registers
 * it; {@link org.jgrad.backend.opencl.OpenClBackend} runs every primitive as OpenCL C 1.2 kernels on one device,
 * chosen by {@code -Djgrad.opencl.device=platform:device} or part of its name.
 */
package org.jgrad.backend.opencl;
