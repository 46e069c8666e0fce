package io.hearth.service.backup;

/**
 * What the scheduler and the backup service are asked over the bus. {@code requestId} is the API request's, for the
 * user message a failure records; null when a recovery asks again.
 */
public sealed interface BackupMessage {
    /** To the scheduler: find a backup host for a new backup. */
    record ScheduleBackup(String backupId, String requestId) implements BackupMessage {}

    record CreateBackup(String backupId, String requestId) implements BackupMessage {}

    /** {@code volumeIsNew}: the target was created for this restore (its status is creating, not restoring-backup). */
    record RestoreBackup(String backupId, String volumeId, boolean volumeIsNew, String requestId) implements BackupMessage {}

    record DeleteBackup(String backupId, String requestId) implements BackupMessage {}

    /** Call: the manifest of an available backup, as JSON. */
    record ExportRecord(String backupId) implements BackupMessage {}

    /** {@code snapshotId} is the record's; the row holds none until the import is done, so a restart never mistakes it for a running snapshot backup. */
    record ImportRecord(String backupId, String manifestJson, String snapshotId) implements BackupMessage {}
}
