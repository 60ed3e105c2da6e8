/**
 * jgrad's core: tensors, autograd, composite ops, the backend SPI and the scalar reference backend.
 * Depends on the JDK alone.
 */
module org.jgrad.core {
    exports org.jgrad;
    exports org.jgrad.spi;
    uses org.jgrad.spi.BackendProvider;
    provides org.jgrad.spi.BackendProvider with org.jgrad.spi.ReferenceBackend.Provider;
}
