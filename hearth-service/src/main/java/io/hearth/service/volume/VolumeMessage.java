package io.hearth.service.volume;

/** What the volume service is asked over the bus. */
public sealed interface VolumeMessage {
    record CreateVolume(String volumeId) implements VolumeMessage {}

    record DeleteVolume(String volumeId) implements VolumeMessage {}

    record ExtendVolume(String volumeId, int newSize) implements VolumeMessage {}

    record CreateSnapshot(String snapshotId) implements VolumeMessage {}

    record DeleteSnapshot(String snapshotId) implements VolumeMessage {}

    /** Call: the device a backup reads, taking a temporary snapshot for a forced backup of an in-use volume. */
    record GetBackupDevice(String backupId) implements VolumeMessage {}

    /** Call: removes a forced backup's temporary snapshot. */
    record RemoveTemporarySnapshot(String snapshotId) implements VolumeMessage {}

    /** Call reply: the path to read, and the temporary snapshot to remove afterwards (or null). */
    record BackupDevice(String path, String temporarySnapshotId) {}
}
