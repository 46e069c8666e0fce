package io.hearth.nbd;

import static io.hearth.nbd.Volumes.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.HearthException;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.restore.RestoreResult;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backup over NBD reads only the data BLOCK_STATUS reports, and a restore goes straight onto an export (WRITE with
 * many requests in flight, WRITE_ZEROES for runs of zero blocks, FLUSH), onto Hearth's server and onto qemu-nbd.
 */
class NbdBackupRestoreTest {
    private static final long SIZE = 64L * MIB;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir Path dir;
    private Path volume;
    private Repository repository;
    private String backupId;

    /** Backs up the sparse volume (1 MiB + 70 000 bytes of data in 64 MiB) through Hearth's server. */
    @BeforeEach
    void backUpThroughNbd() throws Exception {
        volume = Volumes.create(dir, "volume", SIZE, 3);
        repository = Repository.init(new PosixTarget(dir.resolve("repo")), RepositorySettings.defaults(), dir.resolve("cache"));
        backupId = "b1";
        try (NbdServer server = NbdServer.start(NbdServer.Options.loopback()); FileExport export = FileExport.readOnly(volume)) {
            server.addExport("v", export);
            try (NbdBlockSource source = new NbdBlockSource(NbdClient.connect(NbdClient.Target.plain("127.0.0.1", server.port(), "v"), TIMEOUT),
                    "v")) {
                var manifest = repository.backup(new BackupRequest(backupId, source, Optional.empty(), Optional.empty(),
                        BackupRequest.BackupLabels.none()), ProgressListener.NONE);
                assertThat(manifest.stats().bytesRead()).isBetween((long) MIB + 70_000, 2L * MIB);
            }
            // The server's own count: the 62 MiB of holes were never asked for.
            assertThat(server.bytesRead()).isBetween((long) MIB + 70_000, 2L * MIB);
        }
    }

    @AfterEach
    void close() {
        repository.close();
    }

    /** A file of {@code size} bytes with old, non-zero data in every mebibyte, so a restore must replace or zero all of it. */
    private Path oldVolume(String name, long size) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] old = new byte[MIB];
            java.util.Arrays.fill(old, (byte) 0x5a);
            for (long at = 0; at < size; at += MIB) {
                raf.seek(at);
                raf.write(old);
            }
        }
        return file;
    }

    private interface Body {
        void run(NbdClient.Target target) throws Exception;
    }

    /** Serves {@code file} as export {@code t} (qemu-nbd: writable, unmapping on discard and write-zeroes). */
    private static void serve(String server, Path file, boolean readOnly, Body body) throws Exception {
        if (server.equals("hearth")) {
            try (NbdServer hearth = NbdServer.start(NbdServer.Options.loopback());
                    FileExport export = readOnly ? FileExport.readOnly(file) : FileExport.writable(file)) {
                hearth.addExport("t", export);
                body.run(NbdClient.Target.plain("127.0.0.1", hearth.port(), "t"));
            }
        } else {
            int port = QemuNbd.freePort();
            try (QemuNbd qemu = QemuNbd.start(List.of("-f", "raw", "-x", "t", "--discard=unmap", file.toString()), port)) {
                body.run(NbdClient.Target.plain("127.0.0.1", port, "t"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hearth", "qemu-nbd"})
    void aRestoreGoesStraightOntoTheExportAndLeavesItSparse(String server) throws Exception {
        Path target = oldVolume("target-" + server, SIZE);
        serve(server, target, false, nbd -> {
            try (NbdRestoreSink sink = NbdRestoreSink.of(NbdClient.connect(nbd, TIMEOUT), "t")) {
                RestoreResult result = repository.restore(backupId, sink, ProgressListener.NONE);
                assertThat(result.bytesTotal()).isEqualTo(SIZE);
                assertThat(result.bytesWritten()).isBetween((long) MIB + 70_000, 2L * MIB);
            }
        });
        assertThat(Files.mismatch(volume, target)).as("restored byte-identical").isEqualTo(-1);
        // The old data went by WRITE_ZEROES that punched holes, not by writing 62 MiB of zeros.
        try (FileBlockSource restored = FileBlockSource.open(target)) {
            assertThat(restored.nextData(0)).isEqualTo(MIB);
            assertThat(restored.nextData(restored.nextHole(5L * MIB))).isEqualTo(SIZE);
        }
    }

    @Test
    void aBackupLargerThanTheExportIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path target = oldVolume("small", SIZE / 2);
        byte[] before = Files.readAllBytes(target);
        serve("hearth", target, false, nbd -> {
            try (NbdRestoreSink sink = NbdRestoreSink.of(NbdClient.connect(nbd, TIMEOUT), "small-export")) {
                assertThatThrownBy(() -> repository.restore(backupId, sink, ProgressListener.NONE)).isInstanceOf(HearthException.class)
                        .hasMessageContaining("has " + SIZE + " bytes; small-export only " + SIZE / 2);
            }
        });
        assertThat(Files.readAllBytes(target)).isEqualTo(before);
    }

    @Test
    void aReadOnlyExportIsRefused() throws Exception {
        Path target = oldVolume("read-only", SIZE);
        serve("hearth", target, true, nbd -> assertThatThrownBy(() -> NbdRestoreSink.of(NbdClient.connect(nbd, TIMEOUT), "t"))
                .isInstanceOf(IOException.class).hasMessageContaining("read-only"));
    }
}
