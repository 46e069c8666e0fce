package io.hearth.engine.target;

import java.time.Duration;

/**
 * How often and how patiently a request is retried after a transient failure: exponential backoff from
 * {@code initialBackoff}, doubled each time up to {@code maxBackoff}, with full jitter so that many writers that
 * failed together do not come back together.
 *
 * @param attempts how many times a request is tried in all (1: no retry)
 */
public record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff) {
    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must satisfy 0 <= initial <= max");
        }
    }

    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /** The upper bound of the wait before try number {@code attempt} (2 is the first retry). */
    Duration backoffCeiling(int attempt) {
        long millis = initialBackoff.toMillis();
        for (int i = 2; i < attempt && millis < maxBackoff.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
