-- One NBD export per attachment from another host; the name is the secret that admits the client.
-- Placeholders as in V1 (io.hearth.service.db.DatabaseUrl.Vendor).
CREATE TABLE nbd_exports (
    attachment_id VARCHAR(36) NOT NULL PRIMARY KEY,
    volume_id VARCHAR(36) NOT NULL,
    export_name VARCHAR(64) NOT NULL UNIQUE,
    read_only BOOLEAN NOT NULL,
    created_at ${timestamp} NOT NULL
)${table_options};
