package io.hearth.engine;

import static java.util.Objects.requireNonNull;

/**
 * An error whose message tells the user what went wrong and what to change.
 * The category decides how the service reports it (HTTP status) and how the CLI exits.
 */
public class HearthException extends RuntimeException {
    private final ErrorCategory category;

    public HearthException(ErrorCategory category, String message) {
        super(message);
        this.category = requireNonNull(category, "category is null");
    }

    public HearthException(ErrorCategory category, String message, Throwable cause) {
        super(message, cause);
        this.category = requireNonNull(category, "category is null");
    }

    public ErrorCategory category() {
        return category;
    }

    public static HearthException badInput(String message) {
        return new HearthException(ErrorCategory.BAD_INPUT, message);
    }

    public static HearthException notFound(String message) {
        return new HearthException(ErrorCategory.NOT_FOUND, message);
    }

    public static HearthException corrupt(String message) {
        return new HearthException(ErrorCategory.CORRUPT, message);
    }
}
