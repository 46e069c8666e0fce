package io.hearth.bench;

import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.ByteRange;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The incremental with changed ranges against a store that answers every request after a fixed delay
 * ({@link LatencyTarget} over a posix directory), as a distant object store would: shows how many of the
 * incremental's requests wait one after another. Each round makes a full backup of the base image into a new
 * repository directly ({@link WarmIncrementals#backup}), then times the incremental of the mutated image through the delay; the first round warms the
 * JVM up and is not printed. With a delay of 0 it times the incremental as a warm service runs it. One JSON line per
 * timed round.
 *
 * <pre>java -cp … io.hearth.bench.RemoteIncrementals WORK_DIR IMAGES_DIR [DELAY_MS=50] [ROUNDS=3] [KIND=clustered]</pre>
 */
public final class RemoteIncrementals {
    private RemoteIncrementals() {}

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]);
        Path images = Path.of(args[1]);
        Duration delay = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 50);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        String kind = args.length > 4 ? args[4] : "clustered";
        List<ByteRange> ranges = ByteRange.parseFile(images.resolve(kind + ".ranges"));
        for (int round = 0; round <= rounds; round++) {
            Path repository = work.resolve("round-" + round);
            String full = WarmIncrementals.backup(repository, images.resolve("base.img"), Optional.empty(), Optional.empty()).id();
            WarmIncrementals.dropPageCache();
            long started = System.nanoTime();
            BackupManifest incremental;
            try (Repository distant = Repository.open(new LatencyTarget(new PosixTarget(repository.resolve("target")), delay),
                    repository.resolve("cache"));
                    FileBlockSource source = FileBlockSource.open(images.resolve(kind + ".img"))) {
                incremental = distant.backup(WarmIncrementals.request(source, Optional.of(full), Optional.of(ranges)), ProgressListener.NONE);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (round > 0) {
                System.out.printf(Locale.ROOT, "{\"op\": \"incr-%s-ranges\", \"delay_ms\": %d, \"seconds\": %.3f, \"engine_seconds\": %.3f}%n",
                        kind, delay.toMillis(), seconds, incremental.stats().seconds());
            }
        }
    }
}
