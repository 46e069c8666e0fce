-- Exports are made by the volume's own volume service: each row names that service's host and the address, port and
-- TLS of its NBD server, so that any api process can give the connection info. NULL in rows from before: the first
-- volume service to start claims them (one machine then, with one volumes directory).
ALTER TABLE nbd_exports ADD served_by VARCHAR(255);
ALTER TABLE nbd_exports ADD address VARCHAR(255);
ALTER TABLE nbd_exports ADD port INTEGER;
ALTER TABLE nbd_exports ADD tls BOOLEAN;
