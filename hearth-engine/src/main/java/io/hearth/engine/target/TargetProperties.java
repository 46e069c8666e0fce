package io.hearth.engine.target;

import static java.util.Objects.requireNonNull;

/**
 * What a target can do (after restic's {@code Properties}).
 *
 * @param location a printable location, with no secrets in it (for messages and logs)
 * @param maxConnections how many requests the engine may keep in flight against it
 */
public record TargetProperties(String location, int maxConnections) {
    public TargetProperties {
        requireNonNull(location, "location is null");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
    }
}
