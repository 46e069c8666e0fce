package io.hearth.bench;

import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Backs up an image to a repository on any target and restores it, and prints one JSON line with the throughput of
 * each (the image's logical size over the wall-clock time), optionally with a delay added to every request:
 *
 * <pre>TargetThroughput REPO_URL IMAGE WORK_DIR [LATENCY_MS]</pre>
 *
 * Target options come from the environment, as for {@code bin/hearth repo} (e.g. BACKUP_S3_ENDPOINT_URL).
 */
public final class TargetThroughput {
    private TargetThroughput() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: TargetThroughput REPO_URL IMAGE WORK_DIR [LATENCY_MS]");
            System.exit(2);
        }
        String url = args[0];
        Path image = Path.of(args[1]);
        Path work = Path.of(args[2]);
        long latencyMs = args.length > 3 ? Long.parseLong(args[3]) : 0;
        BackupTarget target = BackupTargets.installed().open(url, TargetOptions.fromEnvironment(System.getenv()));
        if (latencyMs > 0) {
            target = new LatencyTarget(target, Duration.ofMillis(latencyMs));
        }
        long size = Files.size(image);
        try (Repository repository = Repository.init(target, RepositorySettings.defaults(), work.resolve("cache"))) {
            long started = System.nanoTime();
            BackupManifest manifest;
            try (FileBlockSource source = FileBlockSource.open(image)) {
                manifest = repository.backup(new BackupRequest(UUID.randomUUID().toString(), source, Optional.empty(),
                        Optional.empty(), BackupRequest.BackupLabels.none()), ProgressListener.NONE);
            }
            double backupSeconds = (System.nanoTime() - started) / 1e9;
            Path restored = work.resolve("restored.img");
            started = System.nanoTime();
            repository.restore(manifest.id(), restored, ProgressListener.NONE);
            double restoreSeconds = (System.nanoTime() - started) / 1e9;
            if (Files.mismatch(image, restored) != -1) {
                throw new IllegalStateException("the restored image differs from " + image);
            }
            Files.delete(restored);
            double mib = size / (1024.0 * 1024.0);
            System.out.println(String.format(Locale.ROOT,
                    "{\"target\": \"%s\", \"latency_ms\": %d, \"connections\": %d, \"image_mib\": %.0f, \"objects\": %d, "
                            + "\"backup_s\": %.2f, \"backup_mib_s\": %.1f, \"restore_s\": %.2f, \"restore_mib_s\": %.1f}",
                    url.substring(0, url.indexOf(':')), latencyMs, target.properties().maxConnections(), mib,
                    manifest.stats().objectsWritten(), backupSeconds, mib / backupSeconds, restoreSeconds, mib / restoreSeconds));
        }
    }
}
