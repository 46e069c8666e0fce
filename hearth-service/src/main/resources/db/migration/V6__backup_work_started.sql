-- When the backup host named by the row took the work its status asks for (a create or a restore), NULL until then.
-- The host acknowledges the request's message once this is set, long before the work ends (RabbitMQ's consumer_timeout
-- closes a channel that holds a message longer). A restarted or dead host's work that has this set ends in error; work
-- without it still has its message in the broker and is done (or taken over) rather than failed.
ALTER TABLE backups ADD work_started_at ${timestamp};
