package io.hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.index.IndexRun;
import io.hearth.engine.lock.LockManager;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.target.ForwardingTarget;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository where the same blocks are stored twice (a backup that started after gc published the old copies' packs
 * as pending stored them again). gc dies at every one of its writes in turn: after each death the index names no pack
 * that is gone, every backup verifies and restores, and the next gc finishes the work. A rebuilt index names one copy.
 */
class GcCrashTest {
    @TempDir
    Path dir;

    /** Thrown in place of the gc's process being killed. */
    static final class Killed extends RuntimeException {
        Killed(String key) {
            super("killed before writing " + key);
        }
    }

    /** Lets {@code survives} writes through, then dies: every later write fails too. Lock objects are spared, as a dead process's lock is removed as stale anyway. */
    static final class DyingTarget extends ForwardingTarget {
        private final int survives;
        final List<String> writes = new ArrayList<>();

        DyingTarget(Path root, int survives) throws IOException {
            super(new PosixTarget(root));
            this.survives = survives;
        }

        private void write(String key) {
            if (!key.startsWith(LockManager.PREFIX)) {
                if (writes.size() == survives) {
                    throw new Killed(key);
                }
                writes.add(key);
            }
        }

        boolean died() {
            return writes.size() == survives;
        }

        @Override
        public boolean putIfAbsent(String key, ByteBuffer data) throws IOException {
            write(key);
            return super.putIfAbsent(key, data);
        }

        @Override
        public void delete(String key) throws IOException {
            write(key);
            super.delete(key);
        }
    }

    @Test
    void gcKilledAtAnyWriteLeavesEveryBackupRestorableAndTheNextGcFinishes() throws Exception {
        Path prepared = dir.resolve("prepared");
        byte[] data = random(TestRepositories.BLOCK * 200, 1);
        byte[] otherData = random(TestRepositories.BLOCK * 40, 2);
        List<BackupManifest> kept = prepare(prepared, data, otherData);

        List<String> allWrites = List.of();
        for (int survives = 0; ; survives++) {
            Path attempt = dir.resolve("attempt-" + survives);
            copy(prepared, attempt);
            DyingTarget dying = new DyingTarget(attempt.resolve("repo"), survives);
            try (Repository repository = Repository.open(dying, attempt.resolve("cache"))) {
                repository.gc(Duration.ZERO);
            } catch (Killed expected) {
                // as if the process had been killed here
            }
            if (!dying.died()) {
                allWrites = dying.writes;
                assertAllGood(attempt, kept, data, otherData, "a gc that was not killed");
                break;
            }
            String where = "gc killed before writing " + survives + " objects (the last " + (survives == 0 ? "none" : dying.writes.getLast()) + ")";
            assertThat(packsNamedByTheIndexThatAreGone(attempt.resolve("repo"))).as(where).isEmpty();
            try (Repository repository = TestRepositories.reopen(attempt)) {
                assertThat(repository.verify(Optional.empty(), true, ProgressListener.NONE).problems()).as(where).isEmpty();
                assertThat(TestRepositories.restore(repository, kept.get(0).id(), attempt)).as(where).isEqualTo(data);
                assertThat(TestRepositories.restore(repository, kept.get(1).id(), attempt)).as(where).isEqualTo(otherData);
                repository.gc(Duration.ZERO);
            }
            assertAllGood(attempt, kept, data, otherData, where + ", then a whole gc");
            RoundTripTest.deleteRecursively(attempt);
        }
        // The walk reached the steps that matter: the index rewritten, and packs deleted.
        assertThat(allWrites).anyMatch(key -> key.startsWith("index/")).anyMatch(key -> key.startsWith("packs/"));
        assertThat(allWrites.stream().filter(key -> key.startsWith("index/")).count()).as("compacted, then merged objects deleted")
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void aRebuiltIndexHoldsOneEntryPerBlockStoredTwice() throws Exception {
        byte[] data = random(TestRepositories.BLOCK * 200, 3);
        byte[] otherData = random(TestRepositories.BLOCK * 40, 4);
        List<BackupManifest> kept = prepare(dir, data, otherData);
        Path repo = dir.resolve("repo");
        try (Repository repository = TestRepositories.reopen(dir)) {
            repository.rebuildIndex();
        }
        List<String> ids = indexEntries(repo).stream().map(entry -> entry.id().toString()).toList();
        assertThat(ids).as("index entries after a rebuild").doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(240);
        try (Repository repository = TestRepositories.reopen(dir)) {
            assertThat(repository.verify(Optional.empty(), true, ProgressListener.NONE).problems()).isEmpty();
            assertThat(TestRepositories.restore(repository, kept.get(0).id(), dir)).isEqualTo(data);
            assertThat(TestRepositories.restore(repository, kept.get(1).id(), dir)).isEqualTo(otherData);
        }
    }

    /**
     * A backup of {@code data}, deleted; a gc that can only publish its packs (a backup of other data runs); then the
     * same data backed up again into new packs, beside the pending ones.
     */
    private List<BackupManifest> prepare(Path at, byte[] data, byte[] otherData) throws Exception {
        Path image = Files.write(dir.resolve("image"), data);
        Path other = Files.write(dir.resolve("other"), otherData);
        try (Repository repository = TestRepositories.create(at)) {
            BackupManifest old = TestRepositories.backup(repository, image, null);
            assertThat(repository.deleteBackup(old.id())).isTrue();
            ConcurrencyTest.PausingSource blocker = new ConcurrencyTest.PausingSource(other, otherData.length / 2);
            CompletableFuture<BackupManifest> blocking = CompletableFuture.supplyAsync(() -> repository.backup(new BackupRequest(
                    UUID.randomUUID().toString(), blocker, Optional.empty(), Optional.empty(), BackupRequest.BackupLabels.none()),
                    ProgressListener.NONE));
            assertThat(blocker.reachedPause.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(repository.gc(Duration.ZERO).packsPending()).isPositive();
            BackupManifest again = TestRepositories.backup(repository, image, null);
            assertThat(again.stats().blocksNew()).as("the pending copies are not used: the blocks are stored twice").isEqualTo(200);
            blocker.release.countDown();
            return List.of(again, blocking.get(60, TimeUnit.SECONDS));
        }
    }

    private void assertAllGood(Path attempt, List<BackupManifest> kept, byte[] data, byte[] otherData, String where) throws IOException {
        Path repo = attempt.resolve("repo");
        assertThat(packsNamedByTheIndexThatAreGone(repo)).as(where).isEmpty();
        assertThat(files(repo.resolve("gc"))).as(where + ": pending lists").isEmpty();
        try (Repository repository = TestRepositories.reopen(attempt)) {
            assertThat(repository.verify(Optional.empty(), true, ProgressListener.NONE).problems()).as(where).isEmpty();
            assertThat(TestRepositories.restore(repository, kept.get(0).id(), attempt)).as(where).isEqualTo(data);
            assertThat(TestRepositories.restore(repository, kept.get(1).id(), attempt)).as(where).isEqualTo(otherData);
        }
        Set<String> named = new HashSet<>();
        indexEntries(repo).forEach(entry -> named.add(entry.pack().key()));
        assertThat(files(repo.resolve("packs")).stream().map(pack -> repo.relativize(pack).toString()))
                .as(where + ": packs that hold only spare copies are gone").allMatch(named::contains);
    }

    private static Set<String> packsNamedByTheIndexThatAreGone(Path repo) throws IOException {
        Set<String> gone = new HashSet<>();
        for (PackEntry entry : indexEntries(repo)) {
            if (!Files.exists(repo.resolve(entry.pack().key()))) {
                gone.add(entry.pack().key());
            }
        }
        return gone;
    }

    /** Every entry of every index object on the target, read from the files themselves. */
    private static List<PackEntry> indexEntries(Path repo) throws IOException {
        List<PackEntry> entries = new ArrayList<>();
        for (Path object : files(repo.resolve("index"))) {
            try (IndexRun run = IndexRun.open(object.getFileName().toString(), object)) {
                IndexRun.Cursor cursor = run.cursor();
                while (cursor.hasNext()) {
                    entries.add(cursor.next());
                }
            }
        }
        return entries;
    }

    /** Regular files under a directory, without the temporary files of writes in flight. */
    private static List<Path> files(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.filter(Files::isRegularFile).filter(path -> !path.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path copy = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
