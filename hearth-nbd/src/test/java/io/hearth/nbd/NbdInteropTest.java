package io.hearth.nbd;

import static io.hearth.nbd.Volumes.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.hearth.engine.backup.ByteRange;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hearth's NBD server against the real peers: qemu-img, qemu-io and qemu-nbd (qemu-utils), nbdinfo (libnbd-bin). */
class NbdInteropTest {
    private static final long SIZE = 16L * MIB;

    @TempDir Path dir;
    private NbdServer server;
    private Path volume;
    private FileExport export;
    private DirtyMap map;

    @BeforeEach
    void serve() throws IOException {
        server = NbdServer.start(NbdServer.Options.loopback());
        volume = Volumes.create(dir, "volume", SIZE, 1);
        export = FileExport.writable(volume);
        map = DirtyMap.load(dir.resolve("volume.dirty"), volume, DirtyMap.UNIT);
        map.commit(map.capture(), "base");
        map.openWriter();
        server.addExport("secret-name", new TrackedExport(export, map));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        export.close();
    }

    private String uri() {
        return uri("secret-name");
    }

    private String uri(String name) {
        return "nbd://127.0.0.1:" + server.port() + "/" + name;
    }

    @Test
    void nbdinfoProbesSizeFlagsAndAllocation() throws Exception {
        String info = Commands.run("nbdinfo", uri()).ok().output();
        assertThat(info).contains("newstyle-fixed", "structured", "export-size: " + SIZE, "base:allocation",
                "can_trim: true", "can_zero: true", "can_fua: true", "can_flush: true", "is_read_only: false");
        String map = Commands.run("nbdinfo", "--map", uri()).ok().output();
        assertThat(map.lines().map(String::trim).toList()).contains(
                "0     1048576    3  hole,zero", "1048576       73728    0  data");
    }

    @Test
    void qemuImgInfoAcceptsTheUriAsIs() throws Exception {
        String info = Commands.run("qemu-img", "info", uri()).ok().output();
        assertThat(info).contains("file format: raw", "virtual size: 16 MiB (" + SIZE + " bytes)");
    }

    @Test
    void qemuImgConvertAndCompareReadTheExport() throws Exception {
        Path copy = dir.resolve("copy.raw");
        Commands.run("qemu-img", "convert", "-f", "raw", "-O", "raw", uri(), copy.toString()).ok();
        assertThat(Volumes.sameContent(volume, copy)).isTrue();
        assertThat(Commands.run("qemu-img", "compare", "-f", "raw", "-F", "raw", volume.toString(), uri()).ok().output())
                .contains("Images are identical");
        Path other = Volumes.create(dir, "other", SIZE, 2);
        assertThat(Commands.run("qemu-img", "compare", "-f", "raw", "-F", "raw", other.toString(), uri()).exitCode()).isEqualTo(1);
        assertThat(changed()).as("reads change nothing").isEmpty();
    }

    @Test
    void qemuImgConvertWritesThroughTheExport() throws Exception {
        Path source = Volumes.create(dir, "source", SIZE, 3);
        Commands.run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", source.toString(), uri()).ok();
        assertThat(Volumes.sameContent(source, volume)).isTrue();
        assertThat(changed()).isNotEmpty();
    }

    @Test
    void qemuIoWritesZeroesTrimsAndFlushes() throws Exception {
        String out = Commands.run("qemu-io", "-f", "raw",
                "-c", "write -P 0xab 8M 64k",
                "-c", "write -P 0xcd -f 9M 4k",
                "-c", "read -P 0xab 8M 64k",
                "-c", "write -z 1M 64k",
                "-c", "write -z -u 5M 1M",
                "-c", "discard 10M 1M",
                "-c", "flush", uri()).ok().output();
        assertThat(out).doesNotContain("error", "failed", "Pattern verification");
        assertThat(Volumes.bytes(volume, 8 * MIB, 64 << 10)).containsOnly((byte) 0xab);
        assertThat(Volumes.bytes(volume, 9 * MIB, 4096)).containsOnly((byte) 0xcd);
        assertThat(Volumes.bytes(volume, MIB, 64 << 10)).containsOnly((byte) 0);
        assertThat(Volumes.bytes(volume, 5 * MIB, MIB)).containsOnly((byte) 0);
        // The punched megabyte is a hole again.
        String map = Commands.run("nbdinfo", "--map", uri()).ok().output();
        assertThat(map.lines().map(String::trim).toList()).anyMatch(line -> line.matches("\\d+\\s+\\d+\\s+3\\s+hole,zero") && covers(line, 5 * MIB));
        assertThat(changed()).containsExactly(new ByteRange(MIB, 64 << 10), new ByteRange(5L * MIB, MIB),
                new ByteRange(8L * MIB, 64 << 10), new ByteRange(9L * MIB, 64 << 10), new ByteRange(10L * MIB, MIB));
    }

    private List<ByteRange> changed() throws IOException {
        return map.capture().ranges().orElseThrow();
    }

    private static boolean covers(String mapLine, long offset) {
        String[] parts = mapLine.trim().split("\\s+");
        long start = Long.parseLong(parts[0]);
        return start <= offset && offset < start + Long.parseLong(parts[1]);
    }

    @Test
    void qemuNbdServesHearthsExportOnward() throws Exception {
        // qemu-nbd opens Hearth's export as its image and serves it again; reads and writes pass through both.
        int port = QemuNbd.freePort();
        try (QemuNbd relay = QemuNbd.start(List.of("-f", "raw", "-x", "relay", uri()), port)) {
            String relayed = "nbd://127.0.0.1:" + port + "/relay";
            assertThat(Commands.run("qemu-img", "compare", "-f", "raw", "-F", "raw", volume.toString(), relayed).ok().output())
                    .contains("Images are identical");
            Commands.run("qemu-io", "-f", "raw", "-c", "write -P 0x5a 12M 128k", relayed).ok();
        }
        assertThat(Volumes.bytes(volume, 12 * MIB, 128 << 10)).containsOnly((byte) 0x5a);
    }

    @Test
    void readOnlyExportRefusesWrites() throws Exception {
        try (FileExport readOnly = FileExport.readOnly(volume)) {
            server.addExport("ro", readOnly);
            assertThat(Commands.run("nbdinfo", uri("ro")).ok().output()).contains("is_read_only: true", "can_trim: false");
            var result = Commands.run("qemu-io", "-f", "raw", "-c", "write -P 1 0 4k", uri("ro"));
            assertThat(result.output()).containsAnyOf("read-only", "Permission denied", "not permitted");
            assertThat(Volumes.bytes(volume, 0, 4096)).containsOnly((byte) 0);
            Path copy = dir.resolve("ro.raw");
            Commands.run("qemu-img", "convert", "-f", "raw", "-O", "raw", uri("ro"), copy.toString()).ok();
            assertThat(Volumes.sameContent(volume, copy)).isTrue();
        }
    }

    @Test
    void unknownExportNameIsRefused() throws Exception {
        var result = Commands.run("nbdinfo", uri("wrong-secret"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("No such file or directory for export");
        assertThat(Commands.run("qemu-img", "info", uri("wrong-secret")).exitCode()).isNotZero();
    }

    @Test
    void listingNamesExportsOnlyWhenAllowed() throws Exception {
        var refused = Commands.run("nbdinfo", "--list", "nbd://127.0.0.1:" + server.port());
        assertThat(refused.output()).doesNotContain("secret-name");
        try (NbdServer listing = NbdServer.start(NbdServer.Options.loopback().withListExports(true))) {
            listing.addExport("visible", export);
            String list = Commands.run("nbdinfo", "--list", "nbd://127.0.0.1:" + listing.port()).ok().output();
            assertThat(list).contains("export=\"visible\"");
        }
    }

    @Test
    void removingTheExportClosesItsConnections() throws Exception {
        try (NbdClient client = NbdClient.connect(NbdClient.Target.plain("127.0.0.1", server.port(), "secret-name"), java.time.Duration.ofSeconds(10))) {
            client.read(java.nio.ByteBuffer.allocate(4096), 0);
            assertThat(server.removeExport("secret-name")).isPresent();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.read(java.nio.ByteBuffer.allocate(4096), 0))
                    .isInstanceOf(IOException.class);
        }
        assertThat(Commands.run("nbdinfo", uri()).exitCode()).isNotZero();
    }
}
