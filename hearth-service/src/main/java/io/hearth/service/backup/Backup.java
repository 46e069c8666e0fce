package io.hearth.service.backup;

import java.time.Instant;
import java.util.Map;

/**
 * A backup row. {@code size} is GiB (the source volume's size, as cinder); {@code previousVolumeStatus} is the
 * status the source volume returns to when the backup ends; {@code storedBytes} is what the backup added to the
 * repository (null until it is committed, and for backups made before Hearth recorded it).
 */
public record Backup(
        String id,
        String projectId,
        String userId,
        String volumeId,
        String snapshotId,
        String parentId,
        String name,
        String description,
        BackupStatus status,
        String failReason,
        int size,
        long objectCount,
        Long storedBytes,
        String container,
        String availabilityZone,
        String host,
        String service,
        Map<String, String> metadata,
        String tempSnapshotId,
        String restoreVolumeId,
        String previousVolumeStatus,
        Instant dataTimestamp,
        Instant createdAt,
        Instant updatedAt,
        Instant deletedAt) {

    public boolean incremental() {
        return parentId != null;
    }
}
