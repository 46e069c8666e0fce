package io.hearth.service.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.backup.BackupStats;
import io.hearth.engine.backup.ByteRange;
import io.hearth.engine.block.Compression;
import io.hearth.engine.crypto.RepositorySecret;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.restore.RestoreSink;
import io.hearth.engine.source.BlockSource;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetErrorListener;
import io.hearth.engine.target.TargetLocation;
import io.hearth.engine.target.TargetOptions;
import io.hearth.service.config.BackupTargetConfig;
import io.hearth.service.db.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The backup engine on the repository that {@code backup_driver} names; shared safely by several servers. */
public final class RepositoryBackupEngine implements BackupEngine {
    private final BackupTargets targets;
    private final TargetLocation location;
    private final TargetOptions options;
    private final Compression compression;
    private final Path cacheRoot;
    private final TargetErrorListener errors;
    private Repository repository;

    private RepositoryBackupEngine(BackupTargets targets, TargetLocation location, TargetOptions options, Compression compression,
            Path cacheRoot, TargetErrorListener errors) {
        this.errors = errors;
        this.targets = targets;
        this.location = location;
        this.options = options;
        this.compression = compression;
        this.cacheRoot = cacheRoot;
    }

    /**
     * The repository is opened (or created) on first use, so a server starts even while its backup target is away;
     * operations then fail with the target's error on the record, and succeed once it is back. A wrong driver name or
     * a malformed location fails here, at start.
     */
    public static RepositoryBackupEngine open(BackupTargetConfig target, String compression, Path cacheRoot) {
        return open(BackupTargets.installed(), target, compression, cacheRoot);
    }

    /** The same over the given target factories instead of the installed ones (a test's target over an in-memory store). */
    public static RepositoryBackupEngine open(BackupTargets targets, BackupTargetConfig target, String compression, Path cacheRoot) {
        return new RepositoryBackupEngine(targets, target.location(targets), target.options(), Compression.fromName(compression),
                cacheRoot, TargetErrorListener.NONE);
    }

    /** The same engine, not yet opened, counting target errors (the repository opens on first use, so nothing is lost). */
    @Override
    public synchronized BackupEngine withTargetErrors(TargetErrorListener errors) {
        if (repository != null) {
            throw new IllegalStateException("the repository is already open; set the error listener before first use");
        }
        return new RepositoryBackupEngine(targets, location, options, compression, cacheRoot, errors);
    }

    private synchronized Repository repository() {
        if (repository == null) {
            try {
                repository = Repository.openOrInit(targets.open(location, options, errors),
                        RepositorySettings.defaults().withCompression(compression), cacheRoot, secret());
            } catch (IOException e) {
                throw new HearthException(ErrorCategory.UNAVAILABLE, "cannot open the backup repository at " + location.display()
                        + ": " + e.getMessage(), e);
            }
        }
        return repository;
    }

    /**
     * {@code backup_encryption_key_file} (Hearth's own option; cinder has none): a new repository is encrypted under
     * this key, and an encrypted one is opened with it.
     */
    private RepositorySecret secret() {
        return options.get("backup_encryption_key_file").map(file -> RepositorySecret.fromKeyFile(Path.of(file)))
                .orElseGet(RepositorySecret.None::new);
    }

    @Override
    public Result backup(Job job, ProgressListener progress) {
        BlockSource source = job.source();
        long size;
        try {
            size = source.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The engine refuses a parent of another size (the volume was extended): back up without one; it still
        // stores only the blocks the repository lacks, and the service keeps cinder's parent_id all the same.
        Optional<String> parent = Optional.ofNullable(job.parentId())
                .filter(id -> repository().findBackup(id).map(m -> m.sourceSize() == size).orElse(false));
        // Changed ranges only mean something on top of the parent they were tracked against.
        Optional<List<ByteRange>> changed = parent.flatMap(p -> Optional.ofNullable(job.changedRanges()));
        BackupManifest manifest = repository().backup(new BackupRequest(job.backupId(), source, parent, changed,
                new BackupRequest.BackupLabels(job.volumeId(), job.snapshotId(), job.projectId(), job.name(), job.description(),
                        job.metadata(), job.createdAt())), progress);
        BackupStats stats = manifest.stats() == null ? new BackupStats(0, 0, 0, 0, 0, 0, 0, 0) : manifest.stats();
        return new Result(stats.objectsWritten(), stats.bytesRead(), stats.bytesStored(), stats.bytesNew());
    }

    @Override
    public void restore(String backupId, RestoreSink target, ProgressListener progress) {
        repository().restore(backupId, target, progress);
    }

    @Override
    public boolean delete(String backupId) {
        return repository().deleteBackup(backupId);
    }

    @Override
    public Optional<String> exportManifest(String backupId) {
        return repository().findBackup(backupId).map(Json::write);
    }

    @Override
    public void importManifest(String backupId, String manifestJson) {
        BackupManifest manifest;
        try {
            manifest = Json.MAPPER.readValue(manifestJson, BackupManifest.class);
        } catch (JsonProcessingException e) {
            throw HearthException.badInput("the backup record's manifest cannot be read: " + e.getOriginalMessage());
        }
        if (!manifest.id().equals(backupId)) {
            throw HearthException.badInput("the backup record's manifest is for backup " + manifest.id() + ", not " + backupId);
        }
        repository().importManifest(manifest);
    }

    @Override
    public String serviceName() {
        return serviceName(location);
    }

    /** The name backup records carry for this target; an import elsewhere checks it (cinder compares the driver so). */
    public static String serviceName(BackupTargetConfig target) {
        return serviceName(target.location(BackupTargets.installed()));
    }

    private static String serviceName(TargetLocation location) {
        return "hearth.backup.drivers." + (location.scheme().equals("file") ? "posix" : location.scheme());
    }

    @Override
    public String container() {
        if (location.scheme().equals("file")) {
            Path root = Path.of(location.path());
            return root.getFileName() == null ? root.toString() : root.getFileName().toString();
        }
        return location.authority() + (location.path().isEmpty() ? "" : "/" + location.path());
    }

    @Override
    public synchronized void close() {
        if (repository != null) {
            repository.close();
        }
    }
}
