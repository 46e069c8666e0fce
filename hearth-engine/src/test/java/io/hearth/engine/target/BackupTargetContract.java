package io.hearth.engine.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.backup.ByteRange;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.engine.verify.VerifyReport;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link BackupTarget} must do, run against each real one: a target module's test extends this class and
 * says how to open a fresh, empty target (a new prefix or bucket per test, so tests do not see each other).
 *
 * <p>The last tests run the engine itself on the target: a repository made, backed up to, restored from, verified
 * and collected, so "passes the contract" means "holds backups".
 */
public abstract class BackupTargetContract {
    @TempDir
    protected Path workDir;

    private BackupTarget target;

    /** A new target that holds nothing, for this test alone. */
    protected abstract BackupTarget openEmptyTarget() throws IOException;

    /** The same storage opened again, as a second process would (for the repository tests). */
    protected abstract BackupTarget reopen() throws IOException;

    @BeforeEach
    void openTarget() throws IOException {
        target = openEmptyTarget();
    }

    @AfterEach
    void closeTarget() throws IOException {
        target.close();
    }

    protected BackupTarget target() {
        return target;
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private byte[] read(String key) throws IOException {
        try (InputStream in = target.get(key)) {
            return in.readAllBytes();
        }
    }

    @Test
    void putIfAbsentCreatesOnceAndNeverOverwrites() throws IOException {
        ByteBuffer first = bytes("first");
        assertThat(target.putIfAbsent("data/ab/one", first)).isTrue();
        assertThat(first.position()).as("the buffer's position is left unchanged").isZero();
        assertThat(target.putIfAbsent("data/ab/one", bytes("second"))).isFalse();
        assertThat(read("data/ab/one")).asString().isEqualTo("first");
    }

    @Test
    void writesFromThePositionToTheLimitOfDirectAndHeapBuffers() throws IOException {
        ByteBuffer heap = bytes("xxpayloadyy");
        heap.position(2).limit(9);
        assertThat(target.putIfAbsent("heap", heap)).isTrue();
        assertThat(heap.position()).isEqualTo(2);
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        direct.put(bytes("direct bytes")).flip();
        assertThat(target.putIfAbsent("direct", direct)).isTrue();
        assertThat(read("heap")).asString().isEqualTo("payload");
        assertThat(read("direct")).asString().isEqualTo("direct bytes");
    }

    @Test
    void emptyAndLargeObjectsRoundTrip() throws IOException {
        assertThat(target.putIfAbsent("empty", ByteBuffer.allocate(0))).isTrue();
        assertThat(read("empty")).isEmpty();
        assertThat(target.stat("empty")).get().extracting(ObjectInfo::size).isEqualTo(0L);

        // Larger than the multipart or segment threshold of the object stores (5 MiB parts on S3).
        byte[] large = random(17 * 1024 * 1024 + 5, 1);
        assertThat(target.putIfAbsent("packs/large", ByteBuffer.wrap(large))).isTrue();
        assertThat(read("packs/large")).isEqualTo(large);
        assertThat(target.stat("packs/large")).get().extracting(ObjectInfo::size).isEqualTo((long) large.length);
    }

    @Test
    void rangesReadExactlyWhatIsAsked() throws IOException {
        byte[] data = random(300_000, 2);
        target.putIfAbsent("packs/p", ByteBuffer.wrap(data));
        ByteBuffer middle = target.getRange("packs/p", 1000, 5000);
        assertThat(middle.position()).isZero();
        assertThat(middle.remaining()).isEqualTo(5000);
        byte[] got = new byte[5000];
        middle.get(got);
        assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 6000));

        ByteBuffer tail = target.getRange("packs/p", data.length - 10, 10);
        assertThat(tail.remaining()).isEqualTo(10);
        assertThat(target.getRange("packs/p", 0, 0).remaining()).isZero();

        ByteBuffer into = ByteBuffer.allocateDirect(100);
        into.position(20);
        target.readInto("packs/p", 50, into);
        assertThat(into.position()).isEqualTo(100);
        into.position(20);
        byte[] intoBytes = new byte[80];
        into.get(intoBytes);
        assertThat(intoBytes).isEqualTo(java.util.Arrays.copyOfRange(data, 50, 130));
    }

    @Test
    void rangesPastTheEndAreEofAndMissingObjectsAreNotFound() throws IOException {
        target.putIfAbsent("packs/short", ByteBuffer.wrap(random(100, 3)));
        assertThatThrownBy(() -> target.getRange("packs/short", 90, 20)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> target.getRange("packs/short", 500, 10)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> target.getRange("packs/none", 0, 10)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> target.get("packs/none")).isInstanceOf(ObjectNotFoundException.class);
        assertThat(target.stat("packs/none")).isEmpty();
    }

    @Test
    void statGivesSizeAndARecentTime() throws IOException {
        Instant before = Instant.now().minusSeconds(300);
        target.putIfAbsent("index/i1", bytes("12345"));
        ObjectInfo info = target.stat("index/i1").orElseThrow();
        assertThat(info.key()).isEqualTo("index/i1");
        assertThat(info.size()).isEqualTo(5);
        assertThat(info.lastModified()).isAfter(before).isBefore(Instant.now().plusSeconds(300));
    }

    @Test
    void listFindsExactlyTheKeysUnderAPrefix() throws IOException {
        for (String key : List.of("data/00/a", "data/00/b", "data/01/c", "datax", "index/d", "config")) {
            target.putIfAbsent(key, bytes(key));
        }
        assertThat(keys("data/")).containsExactlyInAnyOrder("data/00/a", "data/00/b", "data/01/c");
        assertThat(keys("data/00/")).containsExactlyInAnyOrder("data/00/a", "data/00/b");
        assertThat(keys("")).containsExactlyInAnyOrder("data/00/a", "data/00/b", "data/01/c", "datax", "index/d", "config");
        assertThat(keys("snapshots/")).isEmpty();
        try (Stream<ObjectInfo> listing = target.list("index/")) {
            assertThat(listing.toList()).singleElement().satisfies(info -> assertThat(info.size()).isEqualTo(7));
        }
    }

    @Test
    void listingIsNotCutAtAPageOfResults() throws IOException {
        // Object stores answer a listing a page (1000 keys on S3) at a time.
        int count = 1_100;
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<Boolean>> puts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String key = "many/%05d".formatted(i);
                puts.add(pool.submit(() -> target.putIfAbsent(key, bytes(key))));
            }
            for (Future<Boolean> put : puts) {
                assertThat(put.get()).isTrue();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(keys("many/")).hasSize(count);
    }

    private Set<String> keys(String prefix) throws IOException {
        try (Stream<ObjectInfo> listing = target.list(prefix)) {
            return listing.map(ObjectInfo::key).collect(Collectors.toSet());
        }
    }

    @Test
    void deleteRemovesAndIgnoresAbsence() throws IOException {
        target.putIfAbsent("locks/l1", bytes("lock"));
        target.delete("locks/l1");
        assertThat(target.stat("locks/l1")).isEmpty();
        assertThat(keys("locks/")).isEmpty();
        target.delete("locks/l1");
        target.delete("locks/never");
        assertThat(target.putIfAbsent("locks/l1", bytes("again"))).as("a deleted key can be created again").isTrue();
        assertThat(read("locks/l1")).asString().isEqualTo("again");
    }

    @Test
    void keysThatCouldEscapeOrAreMalformedAreRefused() {
        for (String key : List.of("../escape", "a/../../b", "/absolute", "a//b", "", "a/", "sp ace", "semi;colon", "a\\b",
                "query?x", "hash#x", "ünï")) {
            assertThatThrownBy(() -> target.putIfAbsent(key, bytes("x"))).as(key).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> target.get(key)).as(key).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> target.delete(key)).as(key).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void concurrentCreatorsOfOneKeyGetExactlyOneWinner() throws Exception {
        int writers = 8;
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            byte[] content = ("writer " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            tasks.add(() -> target.putIfAbsent("locks/contended", ByteBuffer.wrap(content)));
        }
        List<Boolean> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (Future<Boolean> future : pool.invokeAll(tasks)) {
                results.add(future.get());
            }
        }
        assertThat(results).containsOnlyOnce(true);
        assertThat(read("locks/contended")).asString().startsWith("writer ");
    }

    @Test
    void abandonedUploadCleanupNeverTouchesFinishedObjects() throws IOException {
        target.putIfAbsent("data/00/kept", bytes("kept"));
        target.removeAbandonedUploads("data/", Instant.now().plusSeconds(3600));
        assertThat(read("data/00/kept")).asString().isEqualTo("kept");
    }

    @Test
    void propertiesNameTheLocationWithoutSecrets() {
        TargetProperties properties = target.properties();
        assertThat(properties.location()).isNotBlank();
        assertThat(properties.maxConnections()).isPositive();
        for (String secret : secrets()) {
            assertThat(properties.location()).doesNotContain(secret);
        }
    }

    /** Credentials that must never appear in messages; targets that have some override this. */
    protected List<String> secrets() {
        return List.of();
    }

    // The engine on this target.

    private Path image(String name, long seed, int megabytes) throws IOException {
        Path path = workDir.resolve(name);
        Random random = new Random(seed);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int mib = 0; mib < megabytes; mib++) {
                if (mib % 3 == 1) {
                    continue; // holes
                }
                byte[] chunk = new byte[1024 * 1024];
                for (int i = 0; i < chunk.length; i += 4096) {
                    // repeated and random blocks, half of them compressible
                    long blockSeed = random.nextInt(mib % 2 == 0 ? 64 : Integer.MAX_VALUE);
                    byte[] block = new Random(blockSeed).ints(4096, 0, (int) (blockSeed % 2 == 0 ? 4 : 256))
                            .collect(() -> new java.io.ByteArrayOutputStream(), (out, b) -> out.write(b), (a, b) -> {})
                            .toByteArray();
                    System.arraycopy(block, 0, chunk, i, 4096);
                }
                channel.write(ByteBuffer.wrap(chunk), (long) mib * chunk.length);
            }
            channel.truncate((long) megabytes * 1024 * 1024);
        }
        return path;
    }

    private static BackupManifest backup(Repository repository, Path image, String parent, List<ByteRange> changed) throws IOException {
        try (FileBlockSource source = FileBlockSource.open(image)) {
            return repository.backup(new BackupRequest(UUID.randomUUID().toString(), source, Optional.ofNullable(parent),
                    Optional.ofNullable(changed), BackupRequest.BackupLabels.none()), ProgressListener.NONE);
        }
    }

    @Test
    void aRepositoryOnThisTargetBacksUpRestoresVerifiesAndCollects() throws IOException {
        RepositorySettings settings = RepositorySettings.defaults().withBlockSize(4096).withPackSize(256 * 1024);
        Path volume = image("volume", 7, 6);
        String full;
        String incremental;
        try (Repository repository = Repository.init(target, settings, workDir.resolve("cache-a"))) {
            full = backup(repository, volume, null, null).id();
            // change one MiB and back up only that range
            try (FileChannel channel = FileChannel.open(volume, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(random(1024 * 1024, 8)), 2L * 1024 * 1024);
            }
            incremental = backup(repository, volume, full, List.of(new ByteRange(2L * 1024 * 1024, 1024 * 1024))).id();
        }
        // A second process with its own cache sees everything and restores it bit for bit.
        try (BackupTarget again = reopen(); Repository repository = Repository.open(again, workDir.resolve("cache-b"))) {
            Path restored = workDir.resolve("restored");
            repository.restore(incremental, restored, ProgressListener.NONE);
            assertThat(Files.mismatch(restored, volume)).isEqualTo(-1L);
            VerifyReport report = repository.verify(Optional.empty(), true, ProgressListener.NONE);
            assertThat(report.problems()).isEmpty();

            assertThat(repository.deleteBackup(full)).isTrue();
            // twice: the first run lists what is dead, the second deletes it
            repository.gc(java.time.Duration.ZERO);
            repository.gc(java.time.Duration.ZERO);
            Path again2 = workDir.resolve("restored-after-gc");
            repository.restore(incremental, again2, ProgressListener.NONE);
            assertThat(Files.mismatch(again2, volume)).isEqualTo(-1L);
        }
    }

    @Test
    void openingAMissingRepositoryIsNotFoundAndWritesNothing() throws IOException {
        assertThatThrownBy(() -> Repository.open(target, workDir.resolve("cache"))).isInstanceOf(io.hearth.engine.HearthException.class)
                .satisfies(e -> assertThat(((io.hearth.engine.HearthException) e).category())
                        .isEqualTo(io.hearth.engine.ErrorCategory.NOT_FOUND));
        assertThat(keys("")).isEmpty();
    }
}
