-- What each backup added to the repository (the engine's bytes_stored), shown as the Hearth extension field
-- hearth:stored_bytes of backup detail; NULL for backups made before it was recorded.
ALTER TABLE backups ADD stored_bytes BIGINT;
