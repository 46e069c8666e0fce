package io.hearth.service.volume;

import io.hearth.service.db.Database;
import io.hearth.service.db.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** Volume rows. Every status change is a compare-and-set on the current status. */
public final class VolumeDao {
    private final Jdbi jdbi;

    public VolumeDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(Volume v) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO volumes (id, project_id, user_id, name, description, size, status, previous_status, availability_zone,
                  host, snapshot_id, source_volid, backup_id, metadata, bootable, created_at, updated_at, deleted)
                VALUES (:id, :project, :user, :name, :description, :size, :status, NULL, :az, :host, :snapshot, :source, :backup,
                  :metadata, :bootable, :created, :created, FALSE)""")
                .bind("id", v.id()).bind("project", v.projectId()).bind("user", v.userId()).bind("name", v.name())
                .bind("description", v.description()).bind("size", v.size()).bind("status", v.status().wire())
                .bind("az", v.availabilityZone()).bind("host", v.host()).bind("snapshot", v.snapshotId())
                .bind("source", v.sourceVolid()).bind("backup", v.backupId()).bind("metadata", Json.metadata(v.metadata()))
                .bind("bootable", v.bootable()).bind("created", Database.toSql(v.createdAt()))
                .execute());
    }

    public Optional<Volume> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM volumes WHERE id = :id AND deleted = FALSE")
                .bind("id", id).map(VolumeDao::map).findOne());
    }

    /** Non-deleted volumes, in creation order; {@code project} empty means every project. */
    public List<Volume> list(Optional<String> project) {
        return jdbi.withHandle(h -> {
            Query query = h.createQuery("SELECT * FROM volumes WHERE deleted = FALSE"
                    + (project.isPresent() ? " AND project_id = :project" : "") + " ORDER BY created_at, id");
            project.ifPresent(p -> query.bind("project", p));
            return query.map(VolumeDao::map).list();
        });
    }

    public List<Volume> withStatus(VolumeStatus status) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM volumes WHERE deleted = FALSE AND status = :status")
                .bind("status", status.wire()).map(VolumeDao::map).list());
    }

    /** Moves the status if it still is {@code from}; false if someone else moved it first. */
    public boolean compareAndSetStatus(String id, VolumeStatus from, VolumeStatus to) {
        checkMove(from, to);
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE volumes SET status = :to, updated_at = :now WHERE id = :id AND status = :from AND deleted = FALSE""")
                .bind("id", id).bind("from", from.wire()).bind("to", to.wire()).bind("now", Database.toSql(Instant.now()))
                .execute()) == 1;
    }

    /** As {@link #compareAndSetStatus} and records the status left, to return to it (backup). */
    public boolean compareAndSetStatusKeepingPrevious(String id, VolumeStatus from, VolumeStatus to) {
        checkMove(from, to);
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE volumes SET status = :to, previous_status = :from, updated_at = :now
                WHERE id = :id AND status = :from AND deleted = FALSE""")
                .bind("id", id).bind("from", from.wire()).bind("to", to.wire()).bind("now", Database.toSql(Instant.now()))
                .execute()) == 1;
    }

    /** An admin's os-reset_status: no transition check, by design. */
    public boolean resetStatus(String id, VolumeStatus to) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE volumes SET status = :to, updated_at = :now WHERE id = :id AND deleted = FALSE")
                .bind("id", id).bind("to", to.wire()).bind("now", Database.toSql(Instant.now())).execute()) == 1;
    }

    public void markLaunched(String id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE volumes SET launched_at = :now WHERE id = :id AND launched_at IS NULL")
                .bind("id", id).bind("now", Database.toSql(Instant.now())).execute());
    }

    public void update(String id, String name, String description, java.util.Map<String, String> metadata) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE volumes SET name = :name, description = :description, metadata = :metadata, updated_at = :now WHERE id = :id""")
                .bind("id", id).bind("name", name).bind("description", description).bind("metadata", Json.metadata(metadata))
                .bind("now", Database.toSql(Instant.now())).execute());
    }

    public boolean finishExtend(String id, int newSize, boolean ok) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE volumes SET size = CASE WHEN :ok THEN :size ELSE size END, status = :to, updated_at = :now
                WHERE id = :id AND status = 'extending'""")
                .bind("id", id).bind("ok", ok).bind("size", newSize)
                .bind("to", ok ? VolumeStatus.AVAILABLE.wire() : VolumeStatus.ERROR_EXTENDING.wire())
                .bind("now", Database.toSql(Instant.now())).execute()) == 1;
    }

    public void markDeleted(String id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE volumes SET deleted = TRUE, updated_at = :now WHERE id = :id")
                .bind("id", id).bind("now", Database.toSql(Instant.now())).execute());
    }

    private static void checkMove(VolumeStatus from, VolumeStatus to) {
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("volume status cannot move from " + from.wire() + " to " + to.wire());
        }
    }

    private static Volume map(ResultSet rs, StatementContext ctx) throws SQLException {
        String previous = rs.getString("previous_status");
        return new Volume(rs.getString("id"), rs.getString("project_id"), rs.getString("user_id"), rs.getString("name"),
                rs.getString("description"), rs.getInt("size"), VolumeStatus.fromWire(rs.getString("status")),
                previous == null ? null : VolumeStatus.fromWire(previous), rs.getString("availability_zone"), rs.getString("host"),
                rs.getString("snapshot_id"), rs.getString("source_volid"), rs.getString("backup_id"),
                Json.metadata(rs.getString("metadata")), rs.getBoolean("bootable"), Database.instant(rs, "created_at"),
                Database.instant(rs, "updated_at"), Database.instant(rs, "launched_at"));
    }
}
