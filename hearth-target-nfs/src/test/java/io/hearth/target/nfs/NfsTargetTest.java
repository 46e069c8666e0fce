package io.hearth.target.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What the contract does not cover, against the real nfs-ganesha: separate clients, exports, cinder's options, leftovers. */
class NfsTargetTest {
    private static TargetOptions options() {
        return NfsTargetContractTest.SERVER.options();
    }

    private static String directory() {
        return "t-" + UUID.randomUUID();
    }

    /** The exported directory on this host, to look at what the target wrote without NFS. */
    private static Path exported() {
        return Path.of("..").toAbsolutePath().normalize().resolve("target-servers/nfs/export");
    }

    @Test
    void writersWithTheirOwnClientsStillGetExactlyOneWinner() throws Exception {
        String url = "nfs://127.0.0.1/hearth/" + directory();
        int writers = 6;
        List<BackupTarget> targets = new ArrayList<>();
        List<Callable<Boolean>> tasks = new ArrayList<>();
        try {
            for (int i = 0; i < writers; i++) {
                BackupTarget target = BackupTargets.installed().open(url, options());
                targets.add(target);
                ByteBuffer content = ByteBuffer.wrap(("writer " + i).getBytes(StandardCharsets.UTF_8));
                tasks.add(() -> target.putIfAbsent("locks/contended", content));
            }
            List<Boolean> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
                for (Future<Boolean> future : pool.invokeAll(tasks)) {
                    results.add(future.get());
                }
            }
            assertThat(results).containsOnlyOnce(true);
            try (InputStream in = targets.getFirst().get("locks/contended")) {
                assertThat(in.readAllBytes()).asString().startsWith("writer ");
            }
        } finally {
            for (BackupTarget target : targets) {
                target.close();
            }
        }
    }

    @Test
    void aMissingExportIsNamedWithTheOptionToCheck() {
        TargetOptions urlOnly = new TargetOptions(java.util.Map.of());
        assertThatThrownBy(() -> BackupTargets.installed().open("nfs://127.0.0.1/no-such-export/repo", urlOnly))
                .isInstanceOf(HearthException.class)
                .hasMessageContaining("exports none of /no-such-export, /no-such-export/repo")
                .hasMessageContaining("backup_share")
                .satisfies(e -> assertThat(((HearthException) e).category()).isEqualTo(ErrorCategory.BAD_INPUT));
        // With backup_share naming the export, a URL outside it is refused before asking the server.
        assertThatThrownBy(() -> BackupTargets.installed().open("nfs://127.0.0.1/elsewhere/repo", options()))
                .hasMessageContaining("is not inside the export /hearth");
    }

    @Test
    void cindersShareAndContainerGiveTheLocation() throws IOException {
        String container = directory();
        BackupTargets targets = BackupTargets.installed();
        TargetOptions cinder = options().with("backup_container", container);
        var location = targets.locationForDriver("cinder.backup.drivers.nfs.NFSBackupDriver", cinder);
        assertThat(location.toString()).isEqualTo("nfs://127.0.0.1/hearth/" + container);
        try (BackupTarget target = targets.open(location, cinder)) {
            assertThat(target.putIfAbsent("config", ByteBuffer.wrap(new byte[] {1, 2, 3}))).isTrue();
        }
        assertThat(Files.readAllBytes(exported().resolve(container).resolve("config"))).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> targets.locationForDriver("cinder.backup.drivers.nfs", options().with("backup_share", "nohost")))
                .hasMessageContaining("backup_share must be host:/export");
    }

    @Test
    void abandonedTemporaryFilesAreRemovedOnlyWhenOld() throws IOException {
        String directory = directory();
        try (BackupTarget target = BackupTargets.installed().open("nfs://127.0.0.1/hearth/" + directory, options())) {
            target.putIfAbsent("data/00/kept", ByteBuffer.wrap(new byte[] {7}));
            // What a writer that died between its writes and its LINK leaves behind.
            Path folder = exported().resolve(directory).resolve("data/00");
            Path old = Files.write(folder.resolve(NfsTarget.TEMP_PREFIX + "old"), new byte[] {1});
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(7200)));
            Path recent = Files.write(folder.resolve(NfsTarget.TEMP_PREFIX + "recent"), new byte[] {2});

            assertThat(target.list("data/").map(info -> info.key()).toList()).containsExactly("data/00/kept");
            assertThat(target.removeAbandonedUploads("data/", Instant.now().minusSeconds(3600))).isEqualTo(1);
            assertThat(old).doesNotExist();
            assertThat(recent).exists();
            assertThat(target.stat("data/00/kept")).isPresent();
        }
    }
}
