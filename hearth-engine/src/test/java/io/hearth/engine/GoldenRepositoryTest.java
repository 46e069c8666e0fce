package io.hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.repository.Repository;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repositories written by every released format version must restore forever. Each golden
 * repository under src/test/resources/golden/v&lt;N&gt; holds backups of generated images and a file
 * {@code expected.txt} with "backup-id sha256-of-the-image" lines.
 */
class GoldenRepositoryTest {
    @TempDir
    Path dir;

    @Test
    void formatVersion1RestoresByteIdentical() throws Exception {
        Path golden = Path.of(getClass().getResource("/golden/v1/repo/config").toURI()).getParent();
        Path repo = dir.resolve("repo");
        copyTree(golden, repo);
        List<String> expected = Files.readAllLines(golden.resolveSibling("expected.txt"));
        assertThat(expected).hasSizeGreaterThanOrEqualTo(2);
        try (Repository repository = Repository.open(new PosixTarget(repo), dir.resolve("cache"))) {
            assertThat(repository.config().formatVersion()).isEqualTo(1);
            assertThat(repository.verify(Optional.empty(), true, ProgressListener.NONE).problems()).isEmpty();
            for (String line : expected) {
                String[] parts = line.split(" ");
                Path out = dir.resolve("restored");
                repository.restore(parts[0], out, ProgressListener.NONE);
                assertThat(sha256(out)).as("backup %s", parts[0]).isEqualTo(parts[1]);
            }
        }
    }

    static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    static void copyTree(Path from, Path to) throws IOException, URISyntaxException {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
