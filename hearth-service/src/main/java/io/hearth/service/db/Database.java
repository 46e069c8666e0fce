package io.hearth.service.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SQL database (H2, PostgreSQL or MariaDB): a pool, the schema brought up to date by Flyway, and Jdbi on top. */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** How long background work waits for an unreachable database before it gives up (restart cleanup then takes over). */
    private static final Duration OUTAGE_PATIENCE = Duration.ofMinutes(10);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Jdbi patientJdbi;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.patientJdbi = Jdbi.create(this::connectPatiently);
    }

    public static Database open(DatabaseSettings settings) {
        DatabaseUrl url = settings.url();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        config.setPassword(url.password());
        url.vendor().driverProperties().forEach(config::addDataSourceProperty);
        config.setMinimumIdle(settings.maxPoolSize());
        config.setMaximumPoolSize(settings.maxConnections());
        config.setIdleTimeout(DatabaseSettings.OVERFLOW_IDLE.toMillis());
        config.setPoolName("hearth-db");
        // Compare-and-set status moves read the latest committed row on every database; READ COMMITTED also keeps a
        // transaction's reads current on MariaDB, whose default (REPEATABLE READ) would show it a stale snapshot.
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        // While the database is away a request waits this long for a connection, then answers 503 (not 30 s, the default).
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                    .placeholders(url.vendor().migrationPlaceholders()).load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource);
    }

    /** Why the database cannot be used now (for the readiness check); empty when it can. */
    public Optional<String> unavailableReason() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2) ? Optional.empty() : Optional.of("the database connection is not valid");
        } catch (SQLException e) {
            return Optional.of("cannot reach the database: " + e.getMessage());
        }
    }

    /** The schema's state, without changing it (for hearth doctor). */
    public record MigrationState(String currentVersion, int pending) {}

    /** Connects with {@code url} and reads the schema's version and the migrations not yet applied; applies none. */
    public static MigrationState migrationState(DatabaseUrl url) {
        var info = Flyway.configure().dataSource(url.jdbcUrl(), url.user(), url.password()).locations("classpath:db/migration")
                .placeholders(url.vendor().migrationPlaceholders()).load().info();
        return new MigrationState(info.current() == null ? null : info.current().getVersion().getVersion(), info.pending().length);
    }

    /** For API requests: while the database is unreachable, a call fails within the pool's connection timeout. */
    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * For the services' background work: while the database is unreachable, a call waits for it (up to
     * {@link #OUTAGE_PATIENCE}), so work that finished during an outage is recorded when the database is back
     * instead of being left in a transitional status.
     */
    public Jdbi patientJdbi() {
        return patientJdbi;
    }

    private Connection connectPatiently() throws SQLException {
        long deadline = System.nanoTime() + OUTAGE_PATIENCE.toNanos();
        boolean logged = false;
        while (true) {
            try {
                Connection connection = dataSource.getConnection();
                // The pool hands out a connection used a moment ago without checking it; one the outage broke would
                // fail the statement, and background work would take its error path instead of waiting.
                if (connection.isValid(2)) {
                    return connection;
                }
                dataSource.evictConnection(connection);
                throw new java.sql.SQLTransientConnectionException("a pooled connection to the database was broken");
            } catch (SQLException e) {
                if (!isUnavailable(e) || dataSource.isClosed() || System.nanoTime() > deadline) {
                    throw e;
                }
                if (!logged) {
                    LOG.warn("the database is unreachable; background work waits up to {} for it: {}", OUTAGE_PATIENCE, e.getMessage());
                    logged = true;
                }
                try {
                    Thread.sleep(RETRY_PAUSE);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Whether a failure means the database cannot be reached right now (the request may succeed later), as opposed to
     * a statement the database refused.
     */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception; 57P01-57P03: PostgreSQL shutting down or starting up.
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the database rolled the transaction back to break a deadlock (or a serialization conflict). */
    public static boolean isDeadlock(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Timestamps are stored as UTC wall-clock values to the microsecond, the one form all three databases keep alike
     * (MariaDB would truncate and PostgreSQL round a finer value).
     */
    public static LocalDateTime toSql(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
