-- One schema for H2, PostgreSQL and MariaDB. Where they spell a type differently a Flyway placeholder stands in
-- (io.hearth.service.db.DatabaseUrl.Vendor gives each database's value): "timestamp" is a UTC wall-clock time to the
-- microsecond, "text" a JSON document as large as a request, "table_options" MariaDB's engine and a binary,
-- case-sensitive collation. Everything else is the subset all three accept: VARCHAR, INTEGER, BIGINT, BOOLEAN.
CREATE TABLE volumes (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    project_id VARCHAR(255) NOT NULL,
    user_id VARCHAR(255) NOT NULL,
    name VARCHAR(255),
    description VARCHAR(255),
    size INTEGER NOT NULL,
    status VARCHAR(32) NOT NULL,
    previous_status VARCHAR(32),
    availability_zone VARCHAR(255) NOT NULL,
    host VARCHAR(255),
    snapshot_id VARCHAR(36),
    source_volid VARCHAR(36),
    backup_id VARCHAR(36),
    metadata ${text} NOT NULL,
    bootable BOOLEAN NOT NULL,
    created_at ${timestamp} NOT NULL,
    updated_at ${timestamp},
    launched_at ${timestamp},
    deleted BOOLEAN NOT NULL
)${table_options};
CREATE INDEX volumes_project ON volumes (project_id, deleted);

CREATE TABLE volume_attachments (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    volume_id VARCHAR(36) NOT NULL,
    project_id VARCHAR(255) NOT NULL,
    instance_uuid VARCHAR(36),
    attached_host VARCHAR(255),
    mountpoint VARCHAR(255),
    attach_mode VARCHAR(8) NOT NULL,
    attach_status VARCHAR(32) NOT NULL,
    connector ${text},
    created_at ${timestamp} NOT NULL,
    updated_at ${timestamp},
    deleted BOOLEAN NOT NULL
)${table_options};
CREATE INDEX attachments_volume ON volume_attachments (volume_id, deleted);

CREATE TABLE snapshots (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    project_id VARCHAR(255) NOT NULL,
    user_id VARCHAR(255) NOT NULL,
    volume_id VARCHAR(36) NOT NULL,
    name VARCHAR(255),
    description VARCHAR(255),
    size INTEGER NOT NULL,
    status VARCHAR(32) NOT NULL,
    metadata ${text} NOT NULL,
    temporary BOOLEAN NOT NULL,
    created_at ${timestamp} NOT NULL,
    updated_at ${timestamp},
    deleted BOOLEAN NOT NULL
)${table_options};
CREATE INDEX snapshots_volume ON snapshots (volume_id, deleted);

CREATE TABLE backups (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    project_id VARCHAR(255) NOT NULL,
    user_id VARCHAR(255) NOT NULL,
    volume_id VARCHAR(36) NOT NULL,
    snapshot_id VARCHAR(36),
    parent_id VARCHAR(36),
    name VARCHAR(255),
    description VARCHAR(255),
    status VARCHAR(32) NOT NULL,
    fail_reason VARCHAR(255),
    size INTEGER NOT NULL,
    object_count INTEGER NOT NULL,
    container VARCHAR(255),
    availability_zone VARCHAR(255),
    host VARCHAR(255),
    service VARCHAR(255),
    metadata ${text} NOT NULL,
    temp_snapshot_id VARCHAR(36),
    restore_volume_id VARCHAR(36),
    previous_volume_status VARCHAR(32),
    data_timestamp ${timestamp} NOT NULL,
    created_at ${timestamp} NOT NULL,
    updated_at ${timestamp},
    deleted_at ${timestamp},
    deleted BOOLEAN NOT NULL
)${table_options};
CREATE INDEX backups_project ON backups (project_id, deleted);
CREATE INDEX backups_parent ON backups (parent_id);

CREATE TABLE quota_usages (
    project_id VARCHAR(255) NOT NULL,
    resource VARCHAR(64) NOT NULL,
    in_use BIGINT NOT NULL,
    PRIMARY KEY (project_id, resource)
)${table_options};

CREATE TABLE quotas (
    project_id VARCHAR(255) NOT NULL,
    resource VARCHAR(64) NOT NULL,
    hard_limit BIGINT NOT NULL,
    PRIMARY KEY (project_id, resource)
)${table_options};

CREATE TABLE services (
    id INTEGER NOT NULL PRIMARY KEY,
    host VARCHAR(255) NOT NULL,
    binary_name VARCHAR(64) NOT NULL,
    topic VARCHAR(64) NOT NULL,
    availability_zone VARCHAR(255) NOT NULL,
    disabled BOOLEAN NOT NULL,
    disabled_reason VARCHAR(255),
    created_at ${timestamp} NOT NULL,
    updated_at ${timestamp} NOT NULL
)${table_options};
CREATE UNIQUE INDEX services_host_binary ON services (host, binary_name);
