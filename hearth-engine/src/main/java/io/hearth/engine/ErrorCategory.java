package io.hearth.engine;

/** What kind of failure an error is; the one place callers look to decide status codes and exit codes. */
public enum ErrorCategory {
    /** The request is wrong: change it and try again. */
    BAD_INPUT,
    /** The named thing does not exist. */
    NOT_FOUND,
    /** The thing exists but is in a state that forbids the request (locked, already exists). */
    CONFLICT,
    /** Stored data failed verification: a hash, a checksum or a structure does not match. */
    CORRUPT,
    /** A dependency (storage, network) could not be reached; retrying later may succeed. */
    UNAVAILABLE,
    /** A bug or an unexpected condition. */
    INTERNAL
}
