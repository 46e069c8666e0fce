package io.hearth.service.db;

import io.hearth.service.error.ServiceException;

/**
 * The {@code [database]} section: where the database is, and how many connections this process may hold to it.
 * The options are oslo.db's, as in cinder.conf: {@code max_pool_size} connections stay open, up to
 * {@code max_overflow} more open while busy and close after {@link #OVERFLOW_IDLE} idle. Every process of a cluster
 * holds its pool, and a PostgreSQL allows 100 clients by default: eight processes take 40 at rest.
 *
 * @param maxPoolSize connections kept open for reuse ({@code max_pool_size})
 * @param maxOverflow connections allowed beyond those while busy ({@code max_overflow})
 */
public record DatabaseSettings(DatabaseUrl url, int maxPoolSize, int maxOverflow) {
    public static final int DEFAULT_MAX_POOL_SIZE = 5;
    public static final int DEFAULT_MAX_OVERFLOW = 5;
    public static final java.time.Duration OVERFLOW_IDLE = java.time.Duration.ofSeconds(30);

    public DatabaseSettings {
        if (maxPoolSize < 1) {
            throw ServiceException.badRequest("[database] max_pool_size must be at least 1, not " + maxPoolSize);
        }
        if (maxOverflow < 0) {
            throw ServiceException.badRequest("[database] max_overflow must not be negative, not " + maxOverflow);
        }
    }

    /** The most connections open at once. */
    public int maxConnections() {
        return maxPoolSize + maxOverflow;
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
