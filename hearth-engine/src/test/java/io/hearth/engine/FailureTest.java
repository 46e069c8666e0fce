package io.hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.backup.ByteRange;
import io.hearth.engine.lock.LockManager;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.source.BlockSource;
import io.hearth.engine.target.ForwardingTarget;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Failures in the middle of a backup: a clear error, no manifest, nothing a later gc cannot reclaim. */
class FailureTest {
    @TempDir
    Path dir;

    /** A source whose disk fails at a given offset. */
    record FailingSource(long size, long failAt) implements BlockSource {
        @Override
        public void readFully(ByteBuffer destination, long position) throws IOException {
            if (position >= failAt) {
                throw new IOException("Input/output error (simulated)");
            }
            byte[] bytes = new byte[destination.remaining()];
            new Random(position).nextBytes(bytes);
            destination.put(bytes);
        }

        @Override
        public String description() {
            return "failing disk";
        }

        @Override
        public void close() {}
    }

    @Test
    @Timeout(60)
    void aSourceThatFailsMidwayFailsTheBackupAndCommitsNothing() throws IOException {
        try (Repository repository = TestRepositories.create(dir)) {
            long size = TestRepositories.BLOCK * 2000L;
            assertThatThrownBy(() -> repository.backup(new BackupRequest("broken", new FailingSource(size, size / 2), Optional.empty(),
                    Optional.empty(), BackupRequest.BackupLabels.none()), ProgressListener.NONE))
                    .isInstanceOf(HearthException.class)
                    .hasMessageContaining("failing disk")
                    .hasMessageContaining("Input/output error");
            assertThat(repository.listBackups()).isEmpty();
            assertThat(repository.findBackup("broken")).isEmpty();
            try (var locks = Files.list(dir.resolve("repo/locks"))) {
                assertThat(locks.toList()).as("the lock is released").isEmpty();
            }
            repository.gc(Duration.ZERO);
            try (var packs = Files.walk(dir.resolve("repo/packs"))) {
                assertThat(packs.filter(Files::isRegularFile).toList()).as("gc reclaims what the failed backup uploaded").isEmpty();
            }
        }
    }

    @Test
    void badRequestsChangeNothing() throws IOException {
        try (Repository repository = TestRepositories.create(dir)) {
            Path image = dir.resolve("image");
            byte[] data = new byte[TestRepositories.BLOCK * 10];
            new Random(1).nextBytes(data);
            Files.write(image, data);
            BackupManifest parent = TestRepositories.backup(repository, image, null);
            Path bigger = dir.resolve("bigger");
            Files.write(bigger, new byte[data.length + 1]);
            List<String> before = RepositoryFiles.listing(dir.resolve("repo"));

            assertThatThrownBy(() -> TestRepositories.backup(repository, bigger, parent.id()))
                    .isInstanceOf(HearthException.class).hasMessageContaining("without --parent")
                    .matches(e -> ((HearthException) e).category() == ErrorCategory.BAD_INPUT);
            assertThatThrownBy(() -> TestRepositories.backup(repository, image, "no-such-backup"))
                    .matches(e -> ((HearthException) e).category() == ErrorCategory.NOT_FOUND);
            assertThatThrownBy(() -> TestRepositories.backup(repository, image, null, List.of(new ByteRange(0, 10))))
                    .hasMessageContaining("need a parent");
            assertThatThrownBy(() -> TestRepositories.backup(repository, image, parent.id(), List.of(new ByteRange(data.length - 5, 10))))
                    .hasMessageContaining("beyond");
            assertThatThrownBy(() -> repository.restore("../../etc", dir.resolve("x"), ProgressListener.NONE))
                    .matches(e -> ((HearthException) e).category() == ErrorCategory.BAD_INPUT);
            assertThatThrownBy(() -> repository.restore(UUID.randomUUID().toString(), dir.resolve("x"), ProgressListener.NONE))
                    .matches(e -> ((HearthException) e).category() == ErrorCategory.NOT_FOUND);
            assertThat(RepositoryFiles.listing(dir.resolve("repo"))).isEqualTo(before);
            assertThat(Files.exists(dir.resolve("x"))).isFalse();
        }
    }

    @Test
    void aParentDeletedWhileTheBackupTakesItsLockFailsTheBackup() throws IOException {
        byte[] data = new byte[TestRepositories.BLOCK * 300];
        new Random(4).nextBytes(data);
        Path image = Files.write(dir.resolve("image"), data);
        String[] parentId = {null};
        // Deletes the parent's manifest just as the lock is written: what a delete racing the backup's start does.
        ForwardingTarget target = new ForwardingTarget(new PosixTarget(dir.resolve("repo"))) {
            @Override
            public boolean putIfAbsent(String key, ByteBuffer bytes) throws IOException {
                if (key.startsWith(LockManager.PREFIX) && parentId[0] != null) {
                    delegate.delete(BackupManifest.key(parentId[0]));
                }
                return super.putIfAbsent(key, bytes);
            }
        };
        try (Repository repository = Repository.init(target, TestRepositories.tiny(), dir.resolve("cache"))) {
            BackupManifest parent = TestRepositories.backup(repository, image, null);
            parentId[0] = parent.id();
            assertThatThrownBy(() -> TestRepositories.backup(repository, image, parent.id(), List.of(new ByteRange(0, 10))))
                    .isInstanceOf(HearthException.class)
                    .hasMessageContaining("parent backup " + parent.id() + " was deleted while this backup started");
            assertThat(repository.listBackups()).isEmpty();
        }
    }

    @Test
    void aParentManifestNamingAnotherBlockCountIsRefused() throws IOException {
        byte[] data = new byte[TestRepositories.BLOCK * 300];
        new Random(5).nextBytes(data);
        Path image = Files.write(dir.resolve("image"), data);
        try (Repository repository = TestRepositories.create(dir)) {
            BackupManifest parent = TestRepositories.backup(repository, image, null);
            Path manifest = dir.resolve("repo").resolve(BackupManifest.key(parent.id()));
            String json = Files.readString(manifest);
            assertThat(json).contains("\"block_count\":300");
            Files.writeString(manifest, json.replace("\"block_count\":300", "\"block_count\":512"));
            assertThatThrownBy(() -> TestRepositories.backup(repository, image, parent.id(), List.of(new ByteRange(0, 10))))
                    .isInstanceOf(HearthException.class)
                    .hasMessageContaining("the manifest of parent backup " + parent.id() + " names 512 blocks in a list of depth 1 for a source of "
                            + data.length + " bytes (300 blocks, depth 1)");
            assertThat(repository.listBackups()).extracting(BackupManifest::id).containsExactly(parent.id());
        }
    }
}
