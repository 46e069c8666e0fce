package io.hearth.service.volume;

import java.time.Instant;
import java.util.Map;

/** A volume row. Sizes are GiB, as in cinder. */
public record Volume(
        String id,
        String projectId,
        String userId,
        String name,
        String description,
        int size,
        VolumeStatus status,
        VolumeStatus previousStatus,
        String availabilityZone,
        String host,
        String snapshotId,
        String sourceVolid,
        String backupId,
        Map<String, String> metadata,
        boolean bootable,
        Instant createdAt,
        Instant updatedAt,
        Instant launchedAt) {

    public long sizeBytes() {
        return size * (1L << 30);
    }
}
