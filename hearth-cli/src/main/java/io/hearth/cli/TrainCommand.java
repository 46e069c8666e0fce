package io.hearth.cli;

import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.crypto.RepositorySecret;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * Runs the engine's hot paths once on a small temporary repository, so that bin/hearth can record
 * an ahead-of-time cache of loaded classes and method profiles (a JVM's start and warm-up are most
 * of a short command's time). Hidden: only the launcher calls it.
 */
@Command(name = "train", hidden = true, description = "Exercise backup and restore once (for the launcher's AOT cache).")
final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("hearth-train");
        try {
            Path image = dir.resolve("image");
            byte[] block = new byte[1 << 20];
            Random random = new Random(1);
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                file.setLength(64L << 20);
                for (int i = 0; i < 32; i += 2) {
                    if (i % 4 == 0) {
                        random.nextBytes(block);
                    } else {
                        byte[] line = ("2026-11-24T00:00:00 INFO request " + i + " served\n").getBytes();
                        for (int k = 0; k < block.length; k++) {
                            block[k] = line[k % line.length];
                        }
                    }
                    file.seek((long) i << 20);
                    file.write(block);
                }
            }
            // Plain and encrypted: an encrypted repository's path (key unlock, sealing, keyed ids) is otherwise left out of
            // the cache, and a short encrypted restore ran a sixth slower for it.
            exercise(dir.resolve("plain"), image, new RepositorySecret.None());
            exercise(dir.resolve("encrypted"), image, new RepositorySecret.Passphrase("train"));
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        return 0;
    }

    private static void exercise(Path dir, Path image, RepositorySecret secret) throws IOException {
        PosixTarget target = new PosixTarget(dir.resolve("repo"), false);
        Repository.init(target, RepositorySettings.defaults(), dir.resolve("cache"), secret).close();
        try (Repository repository = Repository.open(target, dir.resolve("cache"), secret);
                FileBlockSource source = FileBlockSource.open(image)) {
            BackupManifest full = repository.backup(new BackupRequest(UUID.randomUUID().toString(), source, Optional.empty(),
                    Optional.empty(), BackupRequest.BackupLabels.none()), ProgressListener.NONE);
            repository.backup(new BackupRequest(UUID.randomUUID().toString(), source, Optional.of(full.id()), Optional.empty(),
                    BackupRequest.BackupLabels.none()), ProgressListener.NONE);
            repository.restore(full.id(), dir.resolve("restored"), ProgressListener.NONE);
            repository.verify(Optional.empty(), true, ProgressListener.NONE);
            repository.listBackups();
        }
    }
}
