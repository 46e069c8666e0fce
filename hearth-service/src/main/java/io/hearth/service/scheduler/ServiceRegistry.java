package io.hearth.service.scheduler;

import io.hearth.service.db.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** The services table: services heartbeat into it; a service whose heartbeat is older than service_down_time is down. */
public final class ServiceRegistry {
    private final Jdbi jdbi;
    private final Duration downTime;
    private final Clock clock;

    public ServiceRegistry(Jdbi jdbi, Duration downTime, Clock clock) {
        this.jdbi = jdbi;
        this.downTime = downTime;
        this.clock = clock;
    }

    /**
     * Registers (or re-registers) a service and beats once. Processes starting together may take the same new id;
     * the loser of that race tries again with the next one.
     */
    public void register(String host, String binary, String topic, String availabilityZone) {
        for (int attempt = 1; ; attempt++) {
            try {
                insertOrUpdate(host, binary, topic, availabilityZone);
                return;
            } catch (UnableToExecuteStatementException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private void insertOrUpdate(String host, String binary, String topic, String availabilityZone) {
        Instant now = clock.instant();
        jdbi.useTransaction(h -> {
            int updated = h.createUpdate("""
                    UPDATE services SET topic = :topic, availability_zone = :az, updated_at = :now WHERE host = :host AND binary_name = :binary""")
                    .bind("host", host).bind("binary", binary).bind("topic", topic).bind("az", availabilityZone)
                    .bind("now", Database.toSql(now)).execute();
            if (updated == 0) {
                int id = h.createQuery("SELECT COALESCE(MAX(id), 0) + 1 FROM services").mapTo(Integer.class).one();
                h.createUpdate("""
                        INSERT INTO services (id, host, binary_name, topic, availability_zone, disabled, created_at, updated_at)
                        VALUES (:id, :host, :binary, :topic, :az, FALSE, :now, :now)""")
                        .bind("id", id).bind("host", host).bind("binary", binary).bind("topic", topic).bind("az", availabilityZone)
                        .bind("now", Database.toSql(now)).execute();
            }
        });
    }

    public void heartbeat(String host, String binary) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE services SET updated_at = :now WHERE host = :host AND binary_name = :binary")
                .bind("host", host).bind("binary", binary).bind("now", Database.toSql(clock.instant())).execute());
    }

    /** A volume service's heartbeat: it is alive and has this capacity (cinder's volume stats report). */
    public void heartbeat(String host, String binary, VolumeCapacity capacity) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE services SET updated_at = :now, total_capacity_bytes = :total, free_capacity_bytes = :free,
                  reserved_percentage = :reserved WHERE host = :host AND binary_name = :binary""")
                .bind("host", host).bind("binary", binary).bind("now", Database.toSql(clock.instant()))
                .bind("total", capacity.totalBytes()).bind("free", capacity.freeBytes()).bind("reserved", capacity.reservedPercentage())
                .execute());
    }

    public List<ServiceRecord> list() {
        Instant threshold = clock.instant().minus(downTime);
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM services ORDER BY id").map((rs, ctx) -> {
            Instant updated = Database.instant(rs, "updated_at");
            return new ServiceRecord(rs.getInt("id"), rs.getString("host"), rs.getString("binary_name"), rs.getString("topic"),
                    rs.getString("availability_zone"), rs.getBoolean("disabled"), rs.getString("disabled_reason"), updated,
                    updated.isAfter(threshold), capacity(rs));
        }).list());
    }

    private static VolumeCapacity capacity(java.sql.ResultSet rs) throws java.sql.SQLException {
        long total = rs.getLong("total_capacity_bytes");
        if (rs.wasNull()) {
            return null;
        }
        return new VolumeCapacity(total, rs.getLong("free_capacity_bytes"), rs.getInt("reserved_percentage"));
    }

    /** Hosts running {@code binary} that are up and enabled. */
    public List<ServiceRecord> upServices(String binary) {
        return list().stream().filter(s -> s.binary().equals(binary) && s.up() && !s.disabled()).toList();
    }

    /** Hosts whose {@code binary} stopped heartbeating (disabled or not: a disabled service can still have work running). */
    public List<String> downHosts(String binary) {
        return list().stream().filter(s -> s.binary().equals(binary) && !s.up()).map(ServiceRecord::host).toList();
    }

    public boolean setDisabled(String host, String binary, boolean disabled, String reason) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE services SET disabled = :disabled, disabled_reason = :reason WHERE host = :host AND binary_name = :binary""")
                .bind("host", host).bind("binary", binary).bind("disabled", disabled).bind("reason", reason).execute()) == 1;
    }
}
