/** OpenCL backend through LWJGL 3. */
module org.jgrad.backend.opencl {
    requires org.jgrad.core;
    requires org.lwjgl;
    requires org.lwjgl.opencl;
}
