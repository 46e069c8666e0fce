package io.hearth.engine.target;

import java.io.IOException;

/**
 * A failure the same request may not meet again: a timeout, a dropped connection, a 5xx or a throttling answer.
 * Targets throw it (with the server's words) so that {@link RetryingTarget} knows what to retry; everything else
 * (missing bucket, refused credentials) fails at once.
 */
public final class TransientTargetException extends IOException {
    public TransientTargetException(String message, Throwable cause) {
        super(message, cause);
    }

    public TransientTargetException(String message) {
        super(message);
    }
}
