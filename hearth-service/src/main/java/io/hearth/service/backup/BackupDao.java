package io.hearth.service.backup;

import io.hearth.service.db.Database;
import io.hearth.service.db.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Backup rows. Status changes are compare-and-set; dependent counts are counted from rows, never kept as a
 * counter, so they cannot drift (cinder pain point 8).
 */
public final class BackupDao {
    private final Jdbi jdbi;

    public BackupDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(Backup b) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO backups (id, project_id, user_id, volume_id, snapshot_id, parent_id, name, description, status, fail_reason,
                  size, object_count, stored_bytes, container, availability_zone, host, service, metadata, temp_snapshot_id,
                  restore_volume_id, previous_volume_status, data_timestamp, created_at, updated_at, deleted)
                VALUES (:id, :project, :user, :volume, :snapshot, :parent, :name, :description, :status, :failReason, :size, :objects,
                  :stored, :container, :az, :host, :service, :metadata, NULL, NULL, :previous, :dataTimestamp, :created, :created, FALSE)""")
                .bind("id", b.id()).bind("project", b.projectId()).bind("user", b.userId()).bind("volume", b.volumeId())
                .bind("snapshot", b.snapshotId()).bind("parent", b.parentId()).bind("name", b.name())
                .bind("description", b.description()).bind("status", b.status().wire()).bind("failReason", b.failReason())
                .bind("size", b.size()).bind("objects", b.objectCount()).bind("stored", b.storedBytes())
                .bind("container", b.container())
                .bind("az", b.availabilityZone()).bind("host", b.host()).bind("service", b.service())
                .bind("metadata", Json.metadata(b.metadata())).bind("previous", b.previousVolumeStatus())
                .bind("dataTimestamp", Database.toSql(b.dataTimestamp())).bind("created", Database.toSql(b.createdAt()))
                .execute());
    }

    public Optional<Backup> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM backups WHERE id = :id AND deleted = FALSE")
                .bind("id", id).map(BackupDao::map).findOne());
    }

    /** Also soft-deleted rows: import revives them. */
    public Optional<Backup> findIncludingDeleted(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM backups WHERE id = :id")
                .bind("id", id).map(BackupDao::map).findOne());
    }

    public void deleteRow(String id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM backups WHERE id = :id AND deleted = TRUE").bind("id", id).execute());
    }

    /** Non-deleted backups matching every filter (column name → value); {@code project} empty means all projects. */
    public List<Backup> list(Optional<String> project, Map<String, String> filters, String orderBy) {
        return jdbi.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT * FROM backups WHERE deleted = FALSE");
            project.ifPresent(p -> sql.append(" AND project_id = :project"));
            int i = 0;
            for (String column : filters.keySet()) {
                sql.append(" AND ").append(column).append(" = :f").append(i++);
            }
            sql.append(" ORDER BY ").append(orderBy);
            Query query = h.createQuery(sql.toString());
            project.ifPresent(p -> query.bind("project", p));
            i = 0;
            for (String value : filters.values()) {
                query.bind("f" + i++, value);
            }
            return query.map(BackupDao::map).list();
        });
    }

    public List<Backup> ofVolume(String volumeId, String projectId) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT * FROM backups WHERE deleted = FALSE AND volume_id = :volume AND project_id = :project ORDER BY data_timestamp, created_at""")
                .bind("volume", volumeId).bind("project", projectId).map(BackupDao::map).list());
    }

    public List<Backup> withStatus(BackupStatus status, String host) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM backups WHERE deleted = FALSE AND status = :status AND host = :host")
                .bind("status", status.wire()).bind("host", host).map(BackupDao::map).list());
    }

    /** Backups in {@code status} on {@code host} whose work that host has taken ({@code started}) or not yet. */
    public List<Backup> withWork(BackupStatus status, String host, boolean started) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM backups WHERE deleted = FALSE AND status = :status AND host = :host AND work_started_at IS "
                + (started ? "NOT NULL" : "NULL")).bind("status", status.wire()).bind("host", host).map(BackupDao::map).list());
    }

    /**
     * The row's host takes the work its status asks for (create or restore), once: false if it was taken already (a
     * message delivered again), moved to another host, or the status changed.
     */
    public boolean startWork(String id, BackupStatus status, String host) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE backups SET work_started_at = :now WHERE id = :id AND status = :status AND host = :host AND work_started_at IS NULL
                  AND deleted = FALSE""")
                .bind("id", id).bind("status", status.wire()).bind("host", host).bind("now", Database.toSql(Instant.now())).execute()) == 1;
    }

    /** Non-deleted children of any status: what blocks deleting a parent. */
    public int countChildren(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM backups WHERE parent_id = :id AND deleted = FALSE")
                .bind("id", id).mapTo(Integer.class).one());
    }

    /** Available children: cinder's {@code num_dependent_backups}. */
    public int countDependents(String id) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT COUNT(*) FROM backups WHERE parent_id = :id AND deleted = FALSE AND status = 'available'""")
                .bind("id", id).mapTo(Integer.class).one());
    }

    public boolean compareAndSetStatus(String id, BackupStatus from, BackupStatus to) {
        checkMove(from, to);
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE backups SET status = :to, updated_at = :now WHERE id = :id AND status = :from AND deleted = FALSE""")
                .bind("id", id).bind("from", from.wire()).bind("to", to.wire()).bind("now", Database.toSql(Instant.now()))
                .execute()) == 1;
    }

    /** {@code host}: the backup host that does the restore (and cleans it up if it restarts meanwhile). */
    public boolean startRestore(String id, String volumeId, String host) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE backups SET status = 'restoring', restore_volume_id = :volume, host = :host, work_started_at = NULL, updated_at = :now
                WHERE id = :id AND status = 'available' AND deleted = FALSE""")
                .bind("id", id).bind("volume", volumeId).bind("host", host).bind("now", Database.toSql(Instant.now()))
                .execute()) == 1;
    }

    public boolean fail(String id, BackupStatus from, String reason) {
        checkMove(from, BackupStatus.ERROR);
        String trimmed = reason == null ? null : reason.length() > 255 ? reason.substring(0, 255) : reason;
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE backups SET status = 'error', fail_reason = :reason, updated_at = :now WHERE id = :id AND status = :from AND deleted = FALSE""")
                .bind("id", id).bind("from", from.wire()).bind("reason", trimmed).bind("now", Database.toSql(Instant.now()))
                .execute()) == 1;
    }

    /**
     * Ends the work a stopped backup host had taken, from {@code from} to {@code to} ({@code reason}: the fail reason
     * when {@code to} is error), only while that host's backup service ({@code binary}) has had no heartbeat since
     * {@code downBefore}, checked in the same statement: a peer's list of down hosts can be a moment old, and a host
     * that came back meanwhile may just have taken this work from its queue.
     */
    public boolean endWorkOfDownHost(String id, BackupStatus from, BackupStatus to, String reason, String host, String binary,
            Instant downBefore) {
        checkMove(from, to);
        boolean failing = to == BackupStatus.ERROR;
        return jdbi.withHandle(h -> {
            var update = h.createUpdate("UPDATE backups SET status = :to, updated_at = :now" + (failing ? ", fail_reason = :reason" : "")
                    + " WHERE id = :id AND status = :from AND host = :host AND work_started_at IS NOT NULL AND deleted = FALSE"
                    + " AND NOT EXISTS (SELECT 1 FROM services WHERE host = :host AND binary_name = :binary AND updated_at > :downBefore)")
                    .bind("id", id).bind("from", from.wire()).bind("to", to.wire()).bind("host", host).bind("binary", binary)
                    .bind("downBefore", Database.toSql(downBefore)).bind("now", Database.toSql(Instant.now()));
            if (failing) {
                update.bind("reason", reason == null || reason.length() <= 255 ? reason : reason.substring(0, 255));
            }
            return update.execute() == 1;
        });
    }

    public void setTempSnapshot(String id, String snapshotId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE backups SET temp_snapshot_id = :snapshot WHERE id = :id")
                .bind("id", id).bind("snapshot", snapshotId).execute());
    }

    public boolean finishCreate(String id, long objectCount, long storedBytes, String container, String availabilityZone, String service) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE backups SET status = 'available', object_count = :objects, stored_bytes = :stored, container = :container,
                  availability_zone = COALESCE(availability_zone, :az), service = :service, fail_reason = NULL, updated_at = :now
                WHERE id = :id AND status = 'creating' AND deleted = FALSE""")
                .bind("id", id).bind("objects", objectCount).bind("stored", storedBytes).bind("container", container).bind("az", availabilityZone)
                .bind("service", service).bind("now", Database.toSql(Instant.now())).execute()) == 1;
    }

    public boolean finishImport(Backup imported) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE backups SET status = 'available', volume_id = :volume, snapshot_id = :snapshot, parent_id = :parent,
                  name = :name, description = :description, size = :size, object_count = :objects, container = :container,
                  availability_zone = :az, service = :service, data_timestamp = :dataTimestamp, created_at = :created,
                  fail_reason = NULL, updated_at = :now
                WHERE id = :id AND status = 'creating' AND deleted = FALSE""")
                .bind("id", imported.id()).bind("volume", imported.volumeId()).bind("snapshot", imported.snapshotId())
                .bind("parent", imported.parentId()).bind("name", imported.name()).bind("description", imported.description())
                .bind("size", imported.size()).bind("objects", imported.objectCount()).bind("container", imported.container())
                .bind("az", imported.availabilityZone()).bind("service", imported.service())
                .bind("dataTimestamp", Database.toSql(imported.dataTimestamp())).bind("created", Database.toSql(imported.createdAt()))
                .bind("now", Database.toSql(Instant.now())).execute()) == 1;
    }

    public void update(String id, String name, String description, Map<String, String> metadata) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE backups SET name = :name, description = :description, metadata = :metadata, updated_at = :now WHERE id = :id""")
                .bind("id", id).bind("name", name).bind("description", description).bind("metadata", Json.metadata(metadata))
                .bind("now", Database.toSql(Instant.now())).execute());
    }

    /** An admin's os-reset_status: any status to available or error, no transition check, by design. */
    public boolean resetStatus(String id, BackupStatus to) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE backups SET status = :to, updated_at = :now WHERE id = :id AND deleted = FALSE")
                .bind("id", id).bind("to", to.wire()).bind("now", Database.toSql(Instant.now())).execute()) == 1;
    }

    /**
     * Moves a creating or restoring backup whose work no host has taken yet to another backup host, unless something
     * else changed it first.
     */
    public boolean reassignHost(String id, BackupStatus status, String from, String to) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE backups SET host = :to, updated_at = :now
                WHERE id = :id AND status = :status AND host = :from AND work_started_at IS NULL AND deleted = FALSE""")
                .bind("id", id).bind("status", status.wire()).bind("from", from).bind("to", to).bind("now", Database.toSql(Instant.now()))
                .execute()) == 1;
    }

    /** Force delete: from whatever status to deleting. */
    public boolean forceDeleting(String id) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE backups SET status = 'deleting', updated_at = :now WHERE id = :id AND deleted = FALSE AND status <> 'deleting'")
                .bind("id", id).bind("now", Database.toSql(Instant.now())).execute()) == 1;
    }

    public boolean markDeleted(String id) {
        Instant now = Instant.now();
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE backups SET status = 'deleted', deleted = TRUE, deleted_at = :now, updated_at = :now WHERE id = :id AND status = 'deleting'""")
                .bind("id", id).bind("now", Database.toSql(now)).execute()) == 1;
    }

    private static void checkMove(BackupStatus from, BackupStatus to) {
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("backup status cannot move from " + from.wire() + " to " + to.wire());
        }
    }

    static Backup map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Backup(rs.getString("id"), rs.getString("project_id"), rs.getString("user_id"), rs.getString("volume_id"),
                rs.getString("snapshot_id"), rs.getString("parent_id"), rs.getString("name"), rs.getString("description"),
                BackupStatus.fromWire(rs.getString("status")), rs.getString("fail_reason"), rs.getInt("size"),
                rs.getLong("object_count"), rs.getObject("stored_bytes") == null ? null : rs.getLong("stored_bytes"), rs.getString("container"), rs.getString("availability_zone"), rs.getString("host"),
                rs.getString("service"), Json.metadata(rs.getString("metadata")), rs.getString("temp_snapshot_id"),
                rs.getString("restore_volume_id"), rs.getString("previous_volume_status"), Database.instant(rs, "data_timestamp"),
                Database.instant(rs, "created_at"), Database.instant(rs, "updated_at"), Database.instant(rs, "deleted_at"));
    }
}
