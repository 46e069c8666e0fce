package io.hearth.service.volume;

/** What the volume service is asked over the bus. */
public sealed interface VolumeMessage {
    record CreateVolume(String volumeId) implements VolumeMessage {}

    record DeleteVolume(String volumeId) implements VolumeMessage {}

    record ExtendVolume(String volumeId, int newSize) implements VolumeMessage {}

    /** Puts the snapshot's data back onto its volume (the volume is reverting, the snapshot restoring). */
    record RevertToSnapshot(String volumeId, String snapshotId) implements VolumeMessage {}

    record CreateSnapshot(String snapshotId) implements VolumeMessage {}

    record DeleteSnapshot(String snapshotId) implements VolumeMessage {}

    /**
     * Call: the device a backup reads, taking a temporary snapshot for a forced backup of an in-use volume. A backup
     * service on another host than the volume's ({@code backupHost}) gets a read-only NBD export of it.
     */
    record GetBackupDevice(String backupId, String backupHost) implements VolumeMessage {}

    /**
     * Call: the volume a restore writes, emptied (all zeros, sparse) at its size: the file for the volume's own host, a
     * writable NBD export for another {@code backupHost}. The export does not mark the changed-block map: a restore
     * invalidates the map first.
     */
    record GetRestoreDevice(String backupId, String volumeId, String backupHost) implements VolumeMessage {}

    /** Call: the export made for the backup's device (backup or restore), if any, goes with its connections. */
    record ReleaseDevice(String backupId) implements VolumeMessage {}

    /** Call: removes a forced backup's temporary snapshot. */
    record RemoveTemporarySnapshot(String snapshotId) implements VolumeMessage {}

    /** Call: a backup that got a device committed or failed, so the volume's changed-block map moves on or keeps its changes. */
    record FinishBackup(String backupId, boolean committed) implements VolumeMessage {}

    /** Call: something is about to change the volume behind the changed-block map (a restore onto it). */
    record InvalidateChanges(String volumeId, String reason) implements VolumeMessage {}

    /**
     * Call to the volume's host: gives the attachment's connector access. Another host gets an NBD export of its own
     * (reply true); a connector on the volume's host reaches the file itself, past the changed-block map (reply false).
     */
    record Connect(String attachmentId) implements VolumeMessage {}

    /** Call to the volume's host: the attachment goes, and with it its export and the export's connections. */
    record Disconnect(String attachmentId) implements VolumeMessage {}

    /**
     * Call reply: the device to read, the temporary snapshot to remove afterwards (or null), and the only ranges the
     * backup needs to read on top of its parent (null: read everything).
     */
    record BackupDevice(VolumeDevice device, String temporarySnapshotId, java.util.List<io.hearth.engine.backup.ByteRange> changedRanges) {}
}
