/** Neural-network building blocks on top of {@code org.jgrad.core}: layers, optimizers, data and checkpoints. */
module org.jgrad.nn {
    requires transitive org.jgrad.core;
    exports org.jgrad.nn;
    exports org.jgrad.nn.data;
    exports org.jgrad.nn.io;
    exports org.jgrad.nn.optim;
}
