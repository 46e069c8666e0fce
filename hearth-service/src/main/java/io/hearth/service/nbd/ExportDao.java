package io.hearth.service.nbd;

import io.hearth.service.db.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Export rows, so that exports outlive a restart of the service under the same names. */
public final class ExportDao {
    private final Jdbi jdbi;

    public ExportDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(VolumeExport export) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO nbd_exports (attachment_id, volume_id, export_name, read_only, created_at)
                VALUES (:attachment, :volume, :name, :readOnly, :now)""")
                .bind("attachment", export.attachmentId()).bind("volume", export.volumeId()).bind("name", export.exportName())
                .bind("readOnly", export.readOnly()).bind("now", Database.toSql(Instant.now())).execute());
    }

    public Optional<VolumeExport> find(String attachmentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM nbd_exports WHERE attachment_id = :id").bind("id", attachmentId)
                .map(ExportDao::map).findOne());
    }

    public List<VolumeExport> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM nbd_exports ORDER BY created_at").map(ExportDao::map).list());
    }

    private static VolumeExport map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new VolumeExport(rs.getString("attachment_id"), rs.getString("volume_id"), rs.getString("export_name"), rs.getBoolean("read_only"));
    }

    public void delete(String attachmentId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM nbd_exports WHERE attachment_id = :id").bind("id", attachmentId).execute());
    }
}
