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
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The backups of the end-to-end benchmark as the backup service runs them: in one long-running JVM, so that neither
 * the JVM's start nor its warm-up is counted. A first full backup into a scratch repository warms the JVM up (the
 * service has done many before); then, each with the page cache dropped when this runs as root: a full backup of the
 * base image, and incrementals of the mutated images with their changed ranges, parent the full. One JSON line per
 * timed backup.
 *
 * <pre>java -cp … io.hearth.bench.WarmIncrementals WORK_DIR IMAGES_DIR</pre>
 */
public final class WarmIncrementals {
    private WarmIncrementals() {}

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]);
        Path images = Path.of(args[1]);
        Files.createDirectories(work);
        backup(work.resolve("warm-up"), images.resolve("base.img"), Optional.empty(), Optional.empty());

        Path repo = work.resolve("repo");
        String full = timed("full", backup(repo, images.resolve("base.img"), Optional.empty(), Optional.empty()));
        for (String kind : List.of("scattered", "clustered")) {
            List<ByteRange> ranges = ByteRange.parseFile(images.resolve(kind + ".ranges"));
            timed("incr-" + kind + "-ranges", backup(repo, images.resolve(kind + ".img"), Optional.of(full), Optional.of(ranges)));
        }
    }

    private static BackupManifest backup(Path repoDir, Path image, Optional<String> parent, Optional<List<ByteRange>> ranges)
            throws IOException {
        Files.createDirectories(repoDir.resolve("target"));
        dropPageCache();
        try (Repository repository = Repository.openOrInit(new PosixTarget(repoDir.resolve("target")), RepositorySettings.defaults(),
                repoDir.resolve("cache")); FileBlockSource source = FileBlockSource.open(image)) {
            return repository.backup(new BackupRequest(UUID.randomUUID().toString(), source, parent, ranges,
                    BackupRequest.BackupLabels.none()), ProgressListener.NONE);
        }
    }

    private static String timed(String op, BackupManifest manifest) {
        System.out.printf(Locale.ROOT, "{\"op\": \"%s\", \"seconds\": %.3f, \"bytes_read\": %d, \"bytes_stored\": %d}%n", op,
                manifest.stats().seconds(), manifest.stats().bytesRead(), manifest.stats().bytesStored());
        return manifest.id();
    }

    /** As the script does between commands; silently nothing when not root (the report says which). */
    private static void dropPageCache() {
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
