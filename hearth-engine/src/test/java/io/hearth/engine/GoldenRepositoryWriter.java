package io.hearth.engine;

import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a golden repository for {@link GoldenRepositoryTest}: run once per new format version,
 * with the test classpath, as {@code GoldenRepositoryWriter <dir>}, and commit the result under
 * src/test/resources/golden/v&lt;N&gt;.
 */
public final class GoldenRepositoryWriter {
    private GoldenRepositoryWriter() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path work = Files.createTempDirectory("golden");
        Path repo = out.resolve("repo");
        List<String> lines = new ArrayList<>();
        try (Repository repository = Repository.init(new PosixTarget(repo), TestRepositories.tiny(), work.resolve("cache"))) {
            byte[] data = new RoundTripTest.ImageSpec(TestRepositories.BLOCK * 150 + 123, 2026).build();
            Path image = work.resolve("image");
            RoundTripTest.writeSparse(image, data);
            BackupManifest full = backup(repository, image, "golden-full", null);
            lines.add(full.id() + " " + GoldenRepositoryTest.sha256(image));
            for (int i = 5000; i < 14000; i++) {
                data[i] = (byte) (i * 31);
            }
            RoundTripTest.writeSparse(image, data);
            BackupManifest incremental = backup(repository, image, "golden-incremental", full.id());
            lines.add(incremental.id() + " " + GoldenRepositoryTest.sha256(image));
        }
        Files.write(out.resolve("expected.txt"), lines, StandardCharsets.UTF_8);
    }

    private static BackupManifest backup(Repository repository, Path image, String id, String parent) throws IOException {
        try (FileBlockSource source = FileBlockSource.open(image)) {
            return repository.backup(new BackupRequest(id, source, Optional.ofNullable(parent), Optional.empty(),
                    new BackupRequest.BackupLabels("volume-1", null, "project-1", id, "golden repository of format 1", Map.of("kind", "golden"),
                            Instant.parse("2026-11-24T00:00:00Z"))), ProgressListener.NONE);
        }
    }
}
