package io.hearth.service.backup;

import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.ByteRange;
import io.hearth.engine.restore.RestoreSink;
import io.hearth.engine.source.BlockSource;
import io.hearth.engine.target.TargetErrorListener;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place the backup service touches backup data. {@link RepositoryBackupEngine} is the real one
 * (hearth-engine's repository); tests of the service's rules use a small fake.
 */
public interface BackupEngine extends AutoCloseable {
    /**
     * What a backup reads (the volume's file or its NBD export; the caller closes it) and how its manifest is labelled.
     * {@code parentId} may be null; {@code changedRanges}, if not null, are the only ranges that changed since the
     * parent (from the volume's changed-block map).
     */
    record Job(String backupId, BlockSource source, String parentId, String volumeId, String snapshotId, String projectId,
            String name, String description, Map<String, String> metadata, Instant createdAt, List<ByteRange> changedRanges) {}

    /**
     * What a finished backup cost; {@code objectCount} is reported as cinder's object_count, {@code bytesStored} is what
     * was written to the target, {@code bytesNew} the new data (before compression) the repository did not have.
     */
    record Result(long objectCount, long bytesRead, long bytesStored, long bytesNew) {
        public Result(long objectCount, long bytesRead, long bytesStored) {
            this(objectCount, bytesRead, bytesStored, bytesStored);
        }
    }

    Result backup(Job job, ProgressListener progress);

    /**
     * Writes the backup onto {@code target} (zero runs as holes or WRITE_ZEROES, every block verified) and flushes it;
     * the caller closes it.
     */
    void restore(String backupId, RestoreSink target, ProgressListener progress);

    /** Deletes the backup's manifest; false if the repository has none. Data is reclaimed by gc. */
    boolean delete(String backupId);

    /** The backup's manifest as JSON, for export_record. */
    Optional<String> exportManifest(String backupId);

    /** Makes the backup known to the repository again from an exported manifest; checks every block is present. */
    void importManifest(String backupId, String manifestJson);

    /**
     * This engine telling {@code errors} of every failed request to its backup target (the metrics count them). An
     * engine without a target (a test's fake) ignores it.
     */
    default BackupEngine withTargetErrors(TargetErrorListener errors) {
        return this;
    }

    /** cinder's {@code service} / {@code backup_service} value. */
    String serviceName();

    /** Where the backups are kept, shown as {@code container}. */
    String container();

    @Override
    void close();
}
