package io.hearth.engine.target;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** One object of a target, as {@link BackupTarget#stat} and {@link BackupTarget#list} see it. */
public record ObjectInfo(String key, long size, Instant lastModified) {
    public ObjectInfo {
        requireNonNull(key, "key is null");
        requireNonNull(lastModified, "lastModified is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative");
        }
    }
}
