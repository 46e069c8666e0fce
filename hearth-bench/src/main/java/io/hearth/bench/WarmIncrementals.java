package io.hearth.bench;

import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.backup.ByteRange;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The backups of the end-to-end benchmark as the backup service runs them: in one long-running JVM, so that neither
 * the JVM's start nor its warm-up is counted. A full backup and both incrementals into a scratch repository warm the
 * JVM up (the service has done many of each before; with the full backup alone, the first incremental timed also
 * paid for compiling the incremental's own code paths); then, each with the page cache dropped when this runs as root:
 * a full backup of the base image, and incrementals of the mutated images with their changed ranges, parent the full,
 * into a repository of their own. One JSON line per timed backup.
 *
 * <pre>java -cp … io.hearth.bench.WarmIncrementals WORK_DIR IMAGES_DIR</pre>
 */
public final class WarmIncrementals {
    private WarmIncrementals() {}

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]);
        Path images = Path.of(args[1]);
        Files.createDirectories(work);
        Map<String, List<ByteRange>> ranges = new LinkedHashMap<>();
        for (String kind : List.of("scattered", "clustered")) {
            ranges.put(kind, ByteRange.parseFile(images.resolve(kind + ".ranges")));
        }
        Path warmUp = work.resolve("warm-up");
        String warmFull = backup(warmUp, images.resolve("base.img"), Optional.empty(), Optional.empty()).id();
        for (Map.Entry<String, List<ByteRange>> kind : ranges.entrySet()) {
            backup(warmUp, images.resolve(kind.getKey() + ".img"), Optional.of(warmFull), Optional.of(kind.getValue()));
        }

        Path repo = work.resolve("repo");
        String full = timed("full", backup(repo, images.resolve("base.img"), Optional.empty(), Optional.empty()));
        for (Map.Entry<String, List<ByteRange>> kind : ranges.entrySet()) {
            BackupManifest incremental = backup(repo, images.resolve(kind.getKey() + ".img"), Optional.of(full), Optional.of(kind.getValue()));
            timed("incr-" + kind.getKey() + "-ranges", incremental);
        }
    }

    /**
     * A backup into the posix repository in {@code repoDir} (created if need be), the page cache dropped first. Its
     * target is {@code repoDir/target}, its index cache {@code repoDir/cache}.
     */
    static BackupManifest backup(Path repoDir, Path image, Optional<String> parent, Optional<List<ByteRange>> ranges)
            throws IOException {
        Files.createDirectories(repoDir.resolve("target"));
        dropPageCache();
        try (Repository repository = Repository.openOrInit(new PosixTarget(repoDir.resolve("target")), RepositorySettings.defaults(),
                repoDir.resolve("cache")); FileBlockSource source = FileBlockSource.open(image)) {
            return repository.backup(request(source, parent, ranges), ProgressListener.NONE);
        }
    }

    static BackupRequest request(FileBlockSource source, Optional<String> parent, Optional<List<ByteRange>> ranges) {
        return new BackupRequest(UUID.randomUUID().toString(), source, parent, ranges, BackupRequest.BackupLabels.none());
    }

    private static String timed(String op, BackupManifest manifest) {
        System.out.printf(Locale.ROOT, "{\"op\": \"%s\", \"seconds\": %.3f, \"bytes_read\": %d, \"bytes_stored\": %d}%n", op,
                manifest.stats().seconds(), manifest.stats().bytesRead(), manifest.stats().bytesStored());
        return manifest.id();
    }

    /** As the script does between commands; silently nothing when not root (the report says which). */
    static void dropPageCache() {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        } catch (IOException e) {
            // not root: the page cache stays as it is
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
