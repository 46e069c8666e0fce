package io.hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.gc.GcReport;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.source.BlockSource;
import io.hearth.engine.source.FileBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Backups, deletes and gc at the same time: the locking table of io.hearth.engine.gc, tested. */
class ConcurrencyTest {
    private Path dir;
    private Repository repository;
    private Path image;
    private byte[] data;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("hearth-concurrency");
        repository = TestRepositories.create(dir);
        data = new byte[TestRepositories.BLOCK * 300];
        new Random(42).nextBytes(data);
        image = dir.resolve("image");
        Files.write(image, data);
    }

    @AfterEach
    void tearDown() throws IOException {
        repository.close();
        RoundTripTest.deleteRecursively(dir);
    }

    /** A source that stops halfway until released, so that gc can run while the backup is in flight. */
    static final class PausingSource implements BlockSource {
        final FileBlockSource file;
        final long pauseAt;
        final CountDownLatch reachedPause = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        PausingSource(Path path, long pauseAt) {
            this.file = FileBlockSource.open(path);
            this.pauseAt = pauseAt;
        }

        @Override
        public long size() {
            return file.size();
        }

        @Override
        public void readFully(ByteBuffer destination, long position) throws IOException {
            if (position + destination.remaining() > pauseAt) {
                reachedPause.countDown();
                try {
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("test never released the paused source");
                    }
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            file.readFully(destination, position);
        }

        @Override
        public String description() {
            return "paused " + file.description();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    private CompletableFuture<BackupManifest> startBackup(BlockSource source) {
        return CompletableFuture.supplyAsync(() -> repository.backup(new BackupRequest(UUID.randomUUID().toString(), source, Optional.empty(),
                Optional.empty(), BackupRequest.BackupLabels.none()), ProgressListener.NONE));
    }

    @Test
    void gcBesideABackupKeepsWhatTheBackupDeduplicatedAgainst() throws Exception {
        BackupManifest old = TestRepositories.backup(repository, image, null);
        assertThat(repository.deleteBackup(old.id())).isTrue();
        // The same data again: every block is found in the old, now unreferenced, packs.
        PausingSource source = new PausingSource(image, data.length / 2);
        CompletableFuture<BackupManifest> running = startBackup(source);
        assertThat(source.reachedPause.await(30, TimeUnit.SECONDS)).isTrue();

        GcReport during = repository.gc(Duration.ZERO);
        assertThat(during.packsDeleted()).as("nothing may be deleted while a backup that may use it runs").isZero();
        assertThat(during.packsPending()).isPositive();

        source.release.countDown();
        BackupManifest fresh = running.get(60, TimeUnit.SECONDS);
        assertThat(fresh.stats().blocksNew()).as("the running backup deduplicated against the old packs").isZero();

        GcReport after = repository.gc(Duration.ZERO);
        assertThat(after.packsDeleted()).as("the old packs are referenced again").isZero();
        assertThat(TestRepositories.restore(repository, fresh.id(), dir)).isEqualTo(data);
        assertThat(repository.verify(Optional.empty(), true, ProgressListener.NONE).problems()).isEmpty();
    }

    @Test
    void aBackupStartedAfterGcPublishedItsListDoesNotUseThePendingPacks() throws Exception {
        BackupManifest old = TestRepositories.backup(repository, image, null);
        assertThat(repository.deleteBackup(old.id())).isTrue();
        // A backup of other data holds a lock, so gc can only publish, not delete.
        Path other = dir.resolve("other");
        byte[] otherData = new byte[TestRepositories.BLOCK * 50];
        new Random(7).nextBytes(otherData);
        Files.write(other, otherData);
        PausingSource blocker = new PausingSource(other, otherData.length / 2);
        CompletableFuture<BackupManifest> blocking = startBackup(blocker);
        assertThat(blocker.reachedPause.await(30, TimeUnit.SECONDS)).isTrue();
        GcReport published = repository.gc(Duration.ZERO);
        assertThat(published.packsDeleted()).isZero();
        assertThat(published.packsPending()).isPositive();

        BackupManifest fresh = TestRepositories.backup(repository, image, null);
        assertThat(fresh.stats().blocksNew()).as("pending packs are not deduplicated against").isEqualTo(300);

        blocker.release.countDown();
        BackupManifest blocked = blocking.get(60, TimeUnit.SECONDS);
        GcReport finished = repository.gc(Duration.ZERO);
        assertThat(finished.packsDeleted()).as("the old packs go once no backup can use them").isPositive();
        assertThat(TestRepositories.restore(repository, fresh.id(), dir)).isEqualTo(data);
        assertThat(TestRepositories.restore(repository, blocked.id(), dir)).isEqualTo(otherData);
        assertThat(repository.verify(Optional.empty(), true, ProgressListener.NONE).problems()).isEmpty();
    }

    @Test
    void twoBackupsAtOnceOfOverlappingDataBothRestore() throws Exception {
        byte[] second = data.clone();
        for (int i = 0; i < second.length; i += 3 * TestRepositories.BLOCK) {
            second[i] ^= 1;
        }
        Path secondImage = dir.resolve("second");
        Files.write(secondImage, second);
        List<CompletableFuture<BackupManifest>> runs = List.of(startBackup(FileBlockSource.open(image)),
                startBackup(FileBlockSource.open(secondImage)), startBackup(FileBlockSource.open(image)));
        List<BackupManifest> done = runs.stream().map(CompletableFuture::join).toList();
        assertThat(TestRepositories.restore(repository, done.get(0).id(), dir)).isEqualTo(data);
        assertThat(TestRepositories.restore(repository, done.get(1).id(), dir)).isEqualTo(second);
        assertThat(TestRepositories.restore(repository, done.get(2).id(), dir)).isEqualTo(data);
        // Backups in flight do not see each other's blobs, so some were stored twice; gc drops the spare copies.
        repository.gc(Duration.ZERO);
        assertThat(repository.verify(Optional.empty(), true, ProgressListener.NONE).problems()).isEmpty();
        assertThat(TestRepositories.restore(repository, done.get(0).id(), dir)).isEqualTo(data);
        assertThat(TestRepositories.restore(repository, done.get(1).id(), dir)).isEqualTo(second);
        assertThat(TestRepositories.restore(repository, done.get(2).id(), dir)).isEqualTo(data);
    }

    @Test
    void gcDeletesPacksOfDeletedBackupsWhenNothingRuns() {
        BackupManifest kept = TestRepositories.backup(repository, image, null);
        Path other = dir.resolve("other");
        try {
            byte[] otherData = new byte[TestRepositories.BLOCK * 64];
            new Random(9).nextBytes(otherData);
            Files.write(other, otherData);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        BackupManifest gone = TestRepositories.backup(repository, other, null);
        repository.deleteBackup(gone.id());
        GcReport report = repository.gc(Duration.ZERO);
        assertThat(report.packsDeleted()).isPositive();
        assertThat(report.packsPending()).isZero();
        assertThat(TestRepositories.restore(repository, kept.id(), dir)).isEqualTo(data);
        assertThat(repository.gc(Duration.ofHours(1)).packsDeleted()).isZero();
    }
}
