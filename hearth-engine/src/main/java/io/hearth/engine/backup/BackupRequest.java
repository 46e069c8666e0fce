package io.hearth.engine.backup;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.source.BlockSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to back up and how to label it.
 *
 * @param backupId the new backup's id (the service passes cinder's backup id; the CLI a random one)
 * @param source the volume to read
 * @param parentId the backup whose block list an incremental backup builds on
 * @param changedRanges with a parent: only these byte ranges are read, the rest of the block list
 *     is the parent's. Without: the whole source is read (blocks the repository has are still not stored again)
 * @param labels what the manifest records about the volume
 */
public record BackupRequest(String backupId, BlockSource source, Optional<String> parentId, Optional<List<ByteRange>> changedRanges, BackupLabels labels) {
    public BackupRequest {
        requireNonNull(backupId, "backupId is null");
        requireNonNull(source, "source is null");
        requireNonNull(parentId, "parentId is null");
        requireNonNull(changedRanges, "changedRanges is null");
        requireNonNull(labels, "labels is null");
        changedRanges = changedRanges.map(List::copyOf);
    }

    /**
     * What the manifest says about the backup besides its data. All optional except createdAt.
     */
    public record BackupLabels(String volumeId, String snapshotId, String projectId, String name, String description,
            Map<String, String> metadata, Instant createdAt) {
        public BackupLabels {
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
            requireNonNull(createdAt, "createdAt is null");
        }

        public static BackupLabels none() {
            return new BackupLabels(null, null, null, null, null, Map.of(), Instant.now());
        }
    }
}
