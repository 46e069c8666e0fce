package io.hearth.service.snapshot;

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

/** Snapshot rows, with compare-and-set status changes. */
public final class SnapshotDao {
    private final Jdbi jdbi;

    public SnapshotDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(Snapshot s) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO snapshots (id, project_id, user_id, volume_id, name, description, size, status, metadata, temporary,
                  created_at, updated_at, deleted)
                VALUES (:id, :project, :user, :volume, :name, :description, :size, :status, :metadata, :temporary, :created, :created, FALSE)""")
                .bind("id", s.id()).bind("project", s.projectId()).bind("user", s.userId()).bind("volume", s.volumeId())
                .bind("name", s.name()).bind("description", s.description()).bind("size", s.size())
                .bind("status", s.status().wire()).bind("metadata", Json.metadata(s.metadata())).bind("temporary", s.temporary())
                .bind("created", Database.toSql(s.createdAt())).execute());
    }

    public Optional<Snapshot> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM snapshots WHERE id = :id AND deleted = FALSE")
                .bind("id", id).map(SnapshotDao::map).findOne());
    }

    /** Visible snapshots (temporary ones are internal), oldest first; {@code project} empty means all. */
    public List<Snapshot> list(Optional<String> project) {
        return jdbi.withHandle(h -> {
            Query query = h.createQuery("SELECT * FROM snapshots WHERE deleted = FALSE AND temporary = FALSE"
                    + (project.isPresent() ? " AND project_id = :project" : "") + " ORDER BY created_at, id");
            project.ifPresent(p -> query.bind("project", p));
            return query.map(SnapshotDao::map).list();
        });
    }

    public List<Snapshot> ofVolume(String volumeId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM snapshots WHERE deleted = FALSE AND volume_id = :volume")
                .bind("volume", volumeId).map(SnapshotDao::map).list());
    }

    /** The volume's newest visible snapshot, whatever its status: the only one cinder reverts to. */
    public Optional<Snapshot> latestOfVolume(String volumeId) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT * FROM snapshots WHERE deleted = FALSE AND temporary = FALSE AND volume_id = :volume
                ORDER BY created_at DESC, id DESC""")
                .bind("volume", volumeId).setMaxRows(1).map(SnapshotDao::map).findFirst());
    }

    public List<Snapshot> withStatus(SnapshotStatus status) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM snapshots WHERE deleted = FALSE AND status = :status")
                .bind("status", status.wire()).map(SnapshotDao::map).list());
    }

    public boolean compareAndSetStatus(String id, SnapshotStatus from, SnapshotStatus to) {
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("snapshot status cannot move from " + from.wire() + " to " + to.wire());
        }
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE snapshots SET status = :to, updated_at = :now WHERE id = :id AND status = :from AND deleted = FALSE""")
                .bind("id", id).bind("from", from.wire()).bind("to", to.wire()).bind("now", Database.toSql(Instant.now()))
                .execute()) == 1;
    }

    public void markDeleted(String id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE snapshots SET deleted = TRUE, updated_at = :now WHERE id = :id")
                .bind("id", id).bind("now", Database.toSql(Instant.now())).execute());
    }

    private static Snapshot map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Snapshot(rs.getString("id"), rs.getString("project_id"), rs.getString("user_id"), rs.getString("volume_id"),
                rs.getString("name"), rs.getString("description"), rs.getInt("size"), SnapshotStatus.fromWire(rs.getString("status")),
                Json.metadata(rs.getString("metadata")), rs.getBoolean("temporary"), Database.instant(rs, "created_at"),
                Database.instant(rs, "updated_at"));
    }
}
