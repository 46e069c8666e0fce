-- User messages (cinder's messages table, API microversion 3.3): why an asynchronous request failed, told with
-- cinder's predefined action and detail ids. Removed once expires_at (message_ttl after creation) has passed.
CREATE TABLE messages (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    project_id VARCHAR(255) NOT NULL,
    request_id VARCHAR(255),
    resource_type VARCHAR(255),
    resource_uuid VARCHAR(36),
    event_id VARCHAR(255) NOT NULL,
    action_id VARCHAR(10),
    detail_id VARCHAR(10),
    message_level VARCHAR(255),
    created_at ${timestamp} NOT NULL,
    expires_at ${timestamp} NOT NULL
)${table_options};
CREATE INDEX messages_project ON messages (project_id);
CREATE INDEX messages_expires ON messages (expires_at);
