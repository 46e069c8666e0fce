package io.hearth.service.error;

import static java.util.Objects.requireNonNull;

/** A request that cannot be honoured; the message tells the user what to change. */
public final class ServiceException extends RuntimeException {
    private final ErrorKind kind;

    public ServiceException(ErrorKind kind, String message) {
        super(message);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public ErrorKind kind() {
        return kind;
    }

    public static ServiceException badRequest(String message) {
        return new ServiceException(ErrorKind.BAD_REQUEST, message);
    }

    public static ServiceException notFound(String message) {
        return new ServiceException(ErrorKind.NOT_FOUND, message);
    }

    public static ServiceException forbidden(String message) {
        return new ServiceException(ErrorKind.FORBIDDEN, message);
    }

    public static ServiceException overLimit(String message) {
        return new ServiceException(ErrorKind.OVER_LIMIT, message);
    }

    public static ServiceException unavailable(String message) {
        return new ServiceException(ErrorKind.UNAVAILABLE, message);
    }

    public static ServiceException invalidVolume(String reason) {
        return badRequest("Invalid volume: " + reason);
    }

    public static ServiceException invalidBackup(String reason) {
        return badRequest("Invalid backup: " + reason);
    }

    public static ServiceException invalidSnapshot(String reason) {
        return badRequest("Invalid snapshot: " + reason);
    }
}
