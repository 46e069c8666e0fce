package io.hearth.engine;

import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.backup.ByteRange;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Small helpers for engine tests: repositories in temporary directories, with tiny blocks and packs. */
public final class TestRepositories {
    public static final int BLOCK = 4096;
    public static final int PACK = 64 * 1024;

    private TestRepositories() {}

    public static RepositorySettings tiny() {
        return RepositorySettings.defaults().withBlockSize(BLOCK).withPackSize(PACK);
    }

    public static Repository create(Path dir) {
        try {
            return Repository.init(new PosixTarget(dir.resolve("repo")), tiny(), dir.resolve("cache"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Repository reopen(Path dir) {
        try {
            return Repository.open(new PosixTarget(dir.resolve("repo")), dir.resolve("cache"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BackupManifest backup(Repository repository, Path image, String parent) {
        return backup(repository, image, parent, null);
    }

    public static BackupManifest backup(Repository repository, Path image, String parent, List<ByteRange> changed) {
        try (FileBlockSource source = FileBlockSource.open(image)) {
            return repository.backup(new BackupRequest(UUID.randomUUID().toString(), source, Optional.ofNullable(parent),
                    Optional.ofNullable(changed), BackupRequest.BackupLabels.none()), ProgressListener.NONE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] restore(Repository repository, String backupId, Path dir) {
        Path out = dir.resolve("restored-" + UUID.randomUUID());
        repository.restore(backupId, out, ProgressListener.NONE);
        try {
            byte[] bytes = Files.readAllBytes(out);
            Files.delete(out);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
