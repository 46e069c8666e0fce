package io.hearth.nbd;

import java.io.IOException;

/** The server refused an option or a request; {@link #error()} is the protocol's error value, if any. */
public final class NbdException extends IOException {
    private final int error;

    public NbdException(String message, int error) {
        super(message);
        this.error = error;
    }

    public int error() {
        return error;
    }
}
