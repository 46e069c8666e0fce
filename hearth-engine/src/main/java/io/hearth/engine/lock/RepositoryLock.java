package io.hearth.engine.lock;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A lock object, {@code locks/<lock id>-<generation>}: who holds it and why.
 * A holder refreshes it by writing the next generation and deleting the previous one (objects are
 * create-only), so its id stays the same for its whole life.
 */
public record RepositoryLock(
        @JsonProperty("id") String id,
        @JsonProperty("kind") LockKind kind,
        @JsonProperty("host") String host,
        @JsonProperty("pid") long pid,
        @JsonProperty("created_at") Instant createdAt) {

    public enum LockKind {
        /** A backup in flight: gc must not delete what it may reference. Many may be held at once. */
        @JsonProperty("backup") BACKUP,
        /** gc or index rebuild: one at a time. */
        @JsonProperty("maintenance") MAINTENANCE
    }
}
