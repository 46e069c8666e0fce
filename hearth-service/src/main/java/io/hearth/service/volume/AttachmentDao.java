package io.hearth.service.volume;

import io.hearth.service.db.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Attachment rows. */
public final class AttachmentDao {
    private final Jdbi jdbi;

    public AttachmentDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(Attachment a) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO volume_attachments (id, volume_id, project_id, instance_uuid, attached_host, mountpoint, attach_mode,
                  attach_status, connector, created_at, updated_at, deleted)
                VALUES (:id, :volume, :project, :instance, :host, :mountpoint, :mode, :status, :connector, :created, :created, FALSE)""")
                .bind("id", a.id()).bind("volume", a.volumeId()).bind("project", a.projectId()).bind("instance", a.instanceUuid())
                .bind("host", a.attachedHost()).bind("mountpoint", a.mountpoint()).bind("mode", a.attachMode())
                .bind("status", a.attachStatus()).bind("connector", a.connector()).bind("created", Database.toSql(a.createdAt()))
                .execute());
    }

    public Optional<Attachment> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM volume_attachments WHERE id = :id AND deleted = FALSE")
                .bind("id", id).map(AttachmentDao::map).findOne());
    }

    public List<Attachment> ofVolume(String volumeId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM volume_attachments WHERE volume_id = :volume AND deleted = FALSE ORDER BY created_at")
                .bind("volume", volumeId).map(AttachmentDao::map).list());
    }

    public List<Attachment> list(Optional<String> project) {
        return jdbi.withHandle(h -> {
            var query = h.createQuery("SELECT * FROM volume_attachments WHERE deleted = FALSE"
                    + (project.isPresent() ? " AND project_id = :project" : "") + " ORDER BY created_at");
            project.ifPresent(p -> query.bind("project", p));
            return query.map(AttachmentDao::map).list();
        });
    }

    public boolean compareAndSetStatus(String id, String from, String to) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE volume_attachments SET attach_status = :to, updated_at = :now WHERE id = :id AND attach_status = :from AND deleted = FALSE""")
                .bind("id", id).bind("from", from).bind("to", to).bind("now", Database.toSql(Instant.now())).execute()) == 1;
    }

    public void markDeleted(String id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE volume_attachments SET deleted = TRUE, attach_status = 'detached', updated_at = :now WHERE id = :id")
                .bind("id", id).bind("now", Database.toSql(Instant.now())).execute());
    }

    public void connect(String id, String connector, String host) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE volume_attachments SET connector = :connector, attached_host = :host, attach_status = 'attaching', updated_at = :now
                WHERE id = :id AND deleted = FALSE""")
                .bind("id", id).bind("connector", connector).bind("host", host).bind("now", Database.toSql(Instant.now())).execute());
    }

    private static Attachment map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Attachment(rs.getString("id"), rs.getString("volume_id"), rs.getString("project_id"), rs.getString("instance_uuid"),
                rs.getString("attached_host"), rs.getString("mountpoint"), rs.getString("attach_mode"), rs.getString("attach_status"),
                rs.getString("connector"), Database.instant(rs, "created_at"), Database.instant(rs, "updated_at"));
    }
}
