/** OpenCL backend through LWJGL 3. */
module org.jgrad.backend.opencl {
    requires org.jgrad.core;
    requires org.lwjgl;
    requires org.lwjgl.opencl;

    exports org.jgrad.backend.opencl;

    provides org.jgrad.spi.BackendProvider with org.jgrad.backend.opencl.OpenClProvider;
}
