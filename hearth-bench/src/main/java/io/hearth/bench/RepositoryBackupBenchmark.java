package io.hearth.bench;

import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A whole full backup through {@link Repository} of an image on tmpfs ({@code /dev/shm} when present,
 * else the temp dir) into a fresh repository on tmpfs: the engine's pipeline without disk I/O.
 * The image is the end-to-end benchmark's mix (40% holes, 30% log text, 30% random), {@code imageSize}
 * bytes. Score: seconds per backup; MiB/s = imageSize / 2^20 / score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RepositoryBackupBenchmark {
    @Param({"256M"})
    public String imageSize;

    /** The repository default (32 KiB) unless given with {@code -p blockSize=...}. */
    @Param({"32768"})
    public int blockSize;

    private Path dir;
    private Path image;
    private Path repoDir;
    private Path cacheDir;

    @Setup(Level.Trial)
    public void makeImage() throws IOException {
        Path shm = Path.of("/dev/shm");
        Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        dir = Files.createTempDirectory(base, "hearth-jmh-");
        image = dir.resolve("image.img");
        long size = Sizes.parse(imageSize);
        ImageGenerator.main(new String[] {"image", "--out", image.toString(), "--size", Long.toString(size)});
    }

    @Setup(Level.Invocation)
    public void freshRepository() throws IOException {
        repoDir = dir.resolve("repo-" + UUID.randomUUID());
        cacheDir = dir.resolve("cache-" + UUID.randomUUID());
        Files.createDirectories(repoDir);
    }

    @TearDown(Level.Invocation)
    public void dropRepository() {
        delete(repoDir);
        delete(cacheDir);
    }

    @TearDown(Level.Trial)
    public void dropImage() {
        delete(dir);
    }

    @Benchmark
    public BackupManifest fullBackup() throws IOException {
        RepositorySettings settings = RepositorySettings.defaults().withBlockSize(blockSize);
        try (Repository repository = Repository.init(new PosixTarget(repoDir), settings, cacheDir);
                FileBlockSource source = FileBlockSource.open(image)) {
            BackupRequest request = new BackupRequest(UUID.randomUUID().toString(), source, Optional.empty(), Optional.empty(),
                    BackupRequest.BackupLabels.none());
            return repository.backup(request, ProgressListener.NONE);
        }
    }

    private static void delete(Path path) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
