/** CPU backend on the Vector API ({@code jdk.incubator.vector}). */
module org.jgrad.backend.cpu {
    requires org.jgrad.core;
    requires jdk.incubator.vector;

    provides org.jgrad.spi.BackendProvider with org.jgrad.backend.cpu.CpuProvider;
}
