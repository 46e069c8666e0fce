package io.hearth.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.PageCache;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.TestRepositories;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.target.PosixTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore to a file writes around the page cache, but for the unaligned tail, and the file holds the volume's bytes. */
class FileRestoreSinkDirectWriteTest {
    @TempDir
    Path dir;

    @Test
    void aRestoredFileIsWrittenAroundThePageCacheAndWhole() throws Exception {
        byte[] volume = new byte[6 * 1024 * 1024 + 1000];
        new Random(5).nextBytes(volume);
        java.util.Arrays.fill(volume, 1024 * 1024, 2 * 1024 * 1024, (byte) 0); // a hole in the middle
        Path image = Files.write(dir.resolve("image"), volume);
        RepositorySettings settings = RepositorySettings.defaults();
        try (Repository repository = Repository.init(new PosixTarget(dir.resolve("repo")), settings, dir.resolve("cache"))) {
            BackupManifest backup = TestRepositories.backup(repository, image, null);
            Path restored = dir.resolve("restored");
            repository.restore(backup.id(), restored, ProgressListener.NONE);
            assertThat(PageCache.residentBytes(restored)).as("bytes of the restored file in the page cache").isLessThanOrEqualTo(4096);
            assertThat(Files.readAllBytes(restored)).isEqualTo(volume);
        }
    }
}
