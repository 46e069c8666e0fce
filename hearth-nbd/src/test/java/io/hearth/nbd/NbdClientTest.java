package io.hearth.nbd;

import static io.hearth.nbd.Volumes.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java client and {@link NbdBlockSource}, against Hearth's own server and against qemu-nbd serving the same file. */
class NbdClientTest {
    private static final long SIZE = 32L * MIB;

    @TempDir Path dir;

    private interface Body {
        void run(NbdClient.Target target, Path volume) throws Exception;
    }

    /** Runs {@code body} against a server of each kind serving a fresh volume. */
    private void against(String server, Body body) throws Exception {
        Path volume = Volumes.create(dir, "volume-" + server, SIZE, 11);
        if (server.equals("hearth")) {
            try (NbdServer hearth = NbdServer.start(NbdServer.Options.loopback()); FileExport export = FileExport.writable(volume)) {
                hearth.addExport("v", export);
                body.run(NbdClient.Target.plain("127.0.0.1", hearth.port(), "v"), volume);
            }
        } else {
            int port = QemuNbd.freePort();
            try (QemuNbd qemu = QemuNbd.start(List.of("-f", "raw", "-x", "v", "--cache=none", "--aio=threads", volume.toString()), port)) {
                body.run(NbdClient.Target.plain("127.0.0.1", port, "v"), volume);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hearth", "qemu-nbd"})
    void manyThreadsReadWithManyRequestsInFlight(String server) throws Exception {
        against(server, (target, volume) -> {
            try (NbdClient client = NbdClient.connect(target, Duration.ofSeconds(10)); ExecutorService pool = Executors.newFixedThreadPool(6)) {
                assertThat(client.size()).isEqualTo(SIZE);
                Random random = new Random(5);
                List<Future<Boolean>> reads = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    long offset = random.nextLong(SIZE - 2 * MIB);
                    int length = 1 + random.nextInt(2 * MIB);
                    reads.add(pool.submit(() -> {
                        ByteBuffer data = ByteBuffer.allocate(length);
                        client.read(data, offset);
                        return java.util.Arrays.equals(data.array(), Volumes.bytes(volume, offset, length));
                    }));
                }
                for (Future<Boolean> read : reads) {
                    assertThat(read.get()).isTrue();
                }
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"hearth", "qemu-nbd"})
    void writesZeroesAndFlushReachTheFile(String server) throws Exception {
        against(server, (target, volume) -> {
            try (NbdClient client = NbdClient.connect(target, Duration.ofSeconds(10))) {
                byte[] data = new byte[3 * MIB + 17];
                new Random(9).nextBytes(data);
                client.write(ByteBuffer.wrap(data), 20 * MIB, false);
                client.writeZeroes(5 * MIB, MIB, false);
                client.write(ByteBuffer.wrap(new byte[] {7}), 0, true);
                client.flush();
                assertThat(Volumes.bytes(volume, 20 * MIB, data.length)).isEqualTo(data);
                assertThat(Volumes.bytes(volume, 5 * MIB, MIB)).containsOnly((byte) 0);
                assertThat(Volumes.bytes(volume, 0, 1)).containsExactly(7);
                assertThatThrownBy(() -> client.read(ByteBuffer.allocate(8192), SIZE - 4096)).isInstanceOf(NbdException.class);
                ByteBuffer after = ByteBuffer.allocate(16);
                client.read(after, 20 * MIB);
                assertThat(after.array()).isEqualTo(java.util.Arrays.copyOf(data, 16));
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"hearth", "qemu-nbd"})
    void blockSourceFindsDataAndHoles(String server) throws Exception {
        against(server, (target, volume) -> {
            try (NbdBlockSource source = new NbdBlockSource(NbdClient.connect(target, Duration.ofSeconds(10)), "test")) {
                assertThat(source.size()).isEqualTo(SIZE);
                // Data at 1 MiB (70 000 bytes, so up to the file system's block) and 5 MiB (1 MiB); the rest is holes.
                assertThat(source.nextData(0)).isEqualTo(MIB);
                long hole = source.nextHole(MIB);
                assertThat(hole).isBetween((long) MIB + 70_000, 2L * MIB);
                assertThat(source.nextData(hole)).isEqualTo(5L * MIB);
                assertThat(source.nextHole(5L * MIB)).isEqualTo(6L * MIB);
                assertThat(source.nextData(6L * MIB)).isEqualTo(SIZE);
                assertThat(source.nextHole(5L * MIB + 10)).isEqualTo(6L * MIB);
                ByteBuffer data = ByteBuffer.allocate(MIB);
                source.readFully(data, 5L * MIB);
                assertThat(data.array()).isEqualTo(Volumes.bytes(volume, 5L * MIB, MIB));
            }
        });
    }

    @Test
    void unknownExportIsAClearError() throws Exception {
        against("hearth", (target, volume) -> assertThatThrownBy(() -> NbdClient.connect(
                NbdClient.Target.plain(target.host(), target.port(), "nope"), Duration.ofSeconds(5)))
                .isInstanceOf(NbdException.class).hasMessageContaining("no such export"));
    }
}
