package io.hearth.service.error;

/** What kind of failure a request met; {@code io.hearth.service.api.Faults} maps each to Cinder's status and fault name. */
public enum ErrorKind {
    BAD_REQUEST,
    UNAUTHORIZED,
    FORBIDDEN,
    NOT_FOUND,
    NOT_SUPPORTED,
    NOT_ACCEPTABLE,
    CONFLICT,
    OVER_LIMIT,
    UNAVAILABLE,
    INTERNAL
}
