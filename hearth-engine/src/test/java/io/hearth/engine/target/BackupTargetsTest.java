package io.hearth.engine.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.HearthException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupTargetsTest {
    @TempDir
    Path dir;

    @Test
    void aLocalDirectoryOpensWithoutSearchingTheClassPathForTargets() throws Exception {
        AtomicInteger searches = new AtomicInteger();
        TargetFactory posix = new PosixTargetFactory();
        BackupTargets targets = new BackupTargets(Map.of(posix.scheme(), posix), () -> {
            searches.incrementAndGet();
            return List.of(posix);
        });
        try (BackupTarget target = targets.open(dir.resolve("repo").toString(), TargetOptions.none())) {
            assertThat(target).isInstanceOf(PosixTarget.class);
        }
        assertThat(searches).as("searches for other targets").hasValue(0);

        // Any other scheme searches, once; one that nothing provides is bad input naming what is there.
        assertThatThrownBy(() -> targets.open("s3://bucket/prefix", TargetOptions.none())).isInstanceOf(HearthException.class)
                .hasMessageContaining("'s3' is not supported; supported: file");
        assertThatThrownBy(() -> targets.open("gs://bucket/prefix", TargetOptions.none())).isInstanceOf(HearthException.class);
        assertThat(searches).hasValue(1);
    }

    @Test
    void theInstalledTargetsOfTheEngineAloneAreTheLocalDirectory() throws Exception {
        BackupTargets installed = BackupTargets.installed();
        try (BackupTarget target = installed.open("file://" + dir.resolve("repo"), TargetOptions.none())) {
            assertThat(target).isInstanceOf(PosixTarget.class);
        }
        assertThatThrownBy(() -> installed.open("s3://bucket/prefix", TargetOptions.none()))
                .hasMessageContaining("supported: file");
    }
}
