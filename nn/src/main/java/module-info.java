/** Neural-network building blocks on top of {@code org.jgrad.core}. */
module org.jgrad.nn {
    requires transitive org.jgrad.core;
    exports org.jgrad.nn.io;
    exports org.jgrad.nn.data;
    // exports org.jgrad.nn;  -- uncomment with the package's first type: javac rejects exporting an
    //                           empty package ("package is empty or does not exist"), package-info alone does not count.
}
