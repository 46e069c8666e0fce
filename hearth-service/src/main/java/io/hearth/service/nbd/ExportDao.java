package io.hearth.service.nbd;

import io.hearth.service.db.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Export rows, so that exports outlive a restart of their volume service and any api process can describe them. */
public final class ExportDao {
    private final Jdbi jdbi;

    public ExportDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(VolumeExport export) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO nbd_exports (attachment_id, volume_id, export_name, read_only, served_by, address, port, tls, created_at)
                VALUES (:attachment, :volume, :name, :readOnly, :servedBy, :address, :port, :tls, :now)""")
                .bind("attachment", export.attachmentId()).bind("volume", export.volumeId()).bind("name", export.exportName())
                .bind("readOnly", export.readOnly()).bind("servedBy", export.servedBy()).bind("address", export.address())
                .bind("port", export.port()).bind("tls", export.tls()).bind("now", Database.toSql(Instant.now())).execute());
    }

    public Optional<VolumeExport> find(String attachmentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM nbd_exports WHERE attachment_id = :id").bind("id", attachmentId)
                .map(ExportDao::map).findOne());
    }

    /**
     * The exports {@code host} serves, now at {@code address:port}: its own rows (its port may have changed with a
     * restart) and the rows from before exports named their host.
     */
    public List<VolumeExport> claim(String host, String address, int port, boolean tls) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("""
                    UPDATE nbd_exports SET served_by = :host, address = :address, port = :port, tls = :tls
                    WHERE served_by = :host OR served_by IS NULL""")
                    .bind("host", host).bind("address", address).bind("port", port).bind("tls", tls).execute();
            return h.createQuery("SELECT * FROM nbd_exports WHERE served_by = :host ORDER BY created_at").bind("host", host)
                    .map(ExportDao::map).list();
        });
    }

    private static VolumeExport map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new VolumeExport(rs.getString("attachment_id"), rs.getString("volume_id"), rs.getString("export_name"), rs.getBoolean("read_only"),
                rs.getString("served_by"), rs.getString("address"), rs.getInt("port"), rs.getBoolean("tls"));
    }

    public void delete(String attachmentId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM nbd_exports WHERE attachment_id = :id").bind("id", attachmentId).execute());
    }
}
