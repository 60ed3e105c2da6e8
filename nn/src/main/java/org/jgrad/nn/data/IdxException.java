package org.jgrad.nn.data;

import java.io.IOException;

/** An IDX file that breaks the format; the message names the file and what is wrong. */
public final class IdxException extends IOException {
    IdxException(String file, String problem) {
        super(file + ": " + problem);
    }
}
