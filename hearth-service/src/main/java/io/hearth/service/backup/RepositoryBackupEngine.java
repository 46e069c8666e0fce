package io.hearth.service.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hearth.engine.HearthException;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.backup.ByteRange;
import io.hearth.engine.block.Compression;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.engine.target.PosixTarget;
import io.hearth.service.db.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The backup engine on a posix repository ({@code backup_posix_path}); shared safely by several servers. */
public final class RepositoryBackupEngine implements BackupEngine {
    public static final String SERVICE_NAME = "hearth.backup.drivers.posix";

    private final Path root;
    private final Compression compression;
    private final Path cacheRoot;
    private Repository repository;

    private RepositoryBackupEngine(Path root, Compression compression, Path cacheRoot) {
        this.root = root;
        this.compression = compression;
        this.cacheRoot = cacheRoot;
    }

    /**
     * The repository is opened (or created) on first use, so a server starts even while its backup target is away;
     * operations then fail with the target's error on the record, and succeed once it is back.
     */
    public static RepositoryBackupEngine open(Path posixPath, String compression, Path cacheRoot) {
        return new RepositoryBackupEngine(posixPath, Compression.fromName(compression), cacheRoot);
    }

    private synchronized Repository repository() {
        if (repository == null) {
            try {
                repository = Repository.openOrInit(new PosixTarget(root, true), RepositorySettings.defaults().withCompression(compression),
                        cacheRoot);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the backup repository at " + root, e);
            }
        }
        return repository;
    }

    @Override
    public Result backup(Job job, ProgressListener progress) {
        try (FileBlockSource source = FileBlockSource.open(job.source())) {
            // The engine refuses a parent of another size (the volume was extended): back up without one; it still
            // stores only the blocks the repository lacks, and the service keeps cinder's parent_id all the same.
            Optional<String> parent = Optional.ofNullable(job.parentId())
                    .filter(id -> repository().findBackup(id).map(m -> m.sourceSize() == source.size()).orElse(false));
            // Changed ranges only mean something on top of the parent they were tracked against.
            Optional<List<ByteRange>> changed = parent.flatMap(p -> Optional.ofNullable(job.changedRanges()));
            BackupManifest manifest = repository().backup(new BackupRequest(job.backupId(), source, parent, changed,
                    new BackupRequest.BackupLabels(job.volumeId(), job.snapshotId(), job.projectId(), job.name(), job.description(),
                            job.metadata(), job.createdAt())), progress);
            return new Result(manifest.stats() == null ? 0 : manifest.stats().objectsWritten(),
                    manifest.stats() == null ? 0 : manifest.stats().bytesRead(),
                    manifest.stats() == null ? 0 : manifest.stats().bytesStored());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void restore(String backupId, Path target, ProgressListener progress) {
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
        return SERVICE_NAME;
    }

    @Override
    public String container() {
        return root.getFileName() == null ? root.toString() : root.getFileName().toString();
    }

    @Override
    public synchronized void close() {
        if (repository != null) {
            repository.close();
        }
    }
}
