package io.hearth.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.cli.client.ApiClient;
import io.hearth.nbd.NbdClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup host apart from the volume host: the volume service is one real {@code hearth serve} process, the backup
 * host's {@code hearth repo} commands are other processes with a repository and cache of their own, and they reach
 * the volume only through the API (attachments) and NBD.
 */
class BackupHostIT {
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    /** Runs {@code hearth ARGS} as a child process of the packaged CLI; returns its standard output. */
    private String hearthProcess(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("hearth.cli.jar") + ":" + System.getProperty("hearth.cli.lib") + "/*",
                "io.hearth.cli.HearthCommand"));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "stderr", ".log");
        Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("hearth " + String.join(" ", args) + ": " + Files.readString(err)).isZero();
        return out;
    }

    /** Attaches the volume with a connector of another host; returns {attachment id, NBD URI}. */
    private static String[] attach(ApiClient api, String volume, String host, String mode) {
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("volume_uuid", volume);
        attachment.put("connector", Map.of("host", host));
        attachment.put("mode", mode);
        JsonNode created = api.post("/attachments", Map.of("attachment", attachment)).get("attachment");
        assertThat(created.at("/connection_info/driver_volume_type").asText()).isEqualTo("nbd");
        return new String[] {created.get("id").asText(), created.at("/connection_info/data/uri").asText()};
    }

    /** Seeded data at a few places of the volume, written through NBD from a compute host; returns what was written. */
    private static Map<Long, byte[]> write(ApiClient api, String volume, long seed) throws IOException {
        String[] attachment = attach(api, volume, "compute-host", "rw");
        Map<Long, byte[]> written = new LinkedHashMap<>();
        Random random = new Random(seed);
        try (NbdClient client = NbdClient.connect(NbdClient.Target.parse(attachment[1]), Duration.ofSeconds(30))) {
            for (long offset : new long[] {0, 5L * MIB, 300L * MIB + 4096}) {
                byte[] data = new byte[MIB];
                random.nextBytes(data);
                client.write(ByteBuffer.wrap(data), offset, false);
                written.put(offset, data);
            }
            client.flush();
        }
        api.delete("/attachments/" + attachment[0]);
        return written;
    }

    /** What {@code written} puts at {@code [at, at + length)} of an otherwise zero volume. */
    private static byte[] expected(Map<Long, byte[]> written, long at, int length) {
        byte[] expected = new byte[length];
        for (Map.Entry<Long, byte[]> entry : written.entrySet()) {
            long from = Math.max(at, entry.getKey());
            long to = Math.min(at + length, entry.getKey() + entry.getValue().length);
            if (from < to) {
                System.arraycopy(entry.getValue(), (int) (from - entry.getKey()), expected, (int) (from - at), (int) (to - from));
            }
        }
        return expected;
    }

    /** The volume host's count of bytes its NBD exports sent to READ requests (its /metrics). */
    private static long nbdBytesServed(ServerProcess server) throws IOException, InterruptedException {
        var client = java.net.http.HttpClient.newHttpClient();
        String metrics = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(line -> line.startsWith("hearth_nbd_read_bytes_total"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no hearth_nbd_read_bytes_total in /metrics"));
    }

    @Test
    void aBackupHostBacksUpAndRestoresAVolumeThroughNbd() throws Exception {
        Path config = dir.resolve("volume-host.conf");
        Files.write(config, List.of("[DEFAULT]", "state_path = " + dir.resolve("volume-host"), "host = volume-host",
                "target_ip_address = 127.0.0.1", "target_port = 0"));
        try (ServerProcess server = ServerProcess.start(config, dir.resolve("volume-host.log"))) {
            ApiClient api = new ApiClient(server.url(), "admin:demo");
            String volume = api.post("/volumes", Map.of("volume", Map.of("size", 1))).at("/volume/id").asText();
            api.await("/volumes/" + volume, v -> v != null && v.at("/volume/status").asText().equals("available"), WAIT, () -> {});
            Map<Long, byte[]> first = write(api, volume, 1);
            api.await("/volumes/" + volume, v -> v.at("/volume/status").asText().equals("available"), WAIT, () -> {});

            String repo = dir.resolve("backup-host/repo").toString();
            String cache = dir.resolve("backup-host/cache").toString();
            hearthProcess("repo", "init", "--repo", repo, "--cache-dir", cache);
            String[] reading = attach(api, volume, "backup-host", "ro");
            long servedBefore = nbdBytesServed(server);
            JsonNode backup = ApiClient.parse(hearthProcess("repo", "backup", "--repo", repo, "--cache-dir", cache, "--source", reading[1], "--json"));
            long served = nbdBytesServed(server) - servedBefore;
            api.delete("/attachments/" + reading[0]);
            assertThat(backup.get("source_size").asLong()).isEqualTo(1L << 30);
            // BLOCK_STATUS: only the 3 MiB of data (in whole blocks) were read, not the gigabyte; the volume host's own
            // count of bytes it sent says the same as the backup host's.
            assertThat(backup.get("bytes_read").asLong()).isBetween(3L * MIB, 4L * MIB);
            assertThat(served).isBetween(3L * MIB, 4L * MIB);

            write(api, volume, 2);
            api.await("/volumes/" + volume, v -> v.at("/volume/status").asText().equals("available"), WAIT, () -> {});
            String[] writing = attach(api, volume, "backup-host", "rw");
            hearthProcess("repo", "restore", backup.get("backup_id").asText(), "--repo", repo, "--cache-dir", cache, "--target", writing[1]);
            api.delete("/attachments/" + writing[0]);

            String[] checking = attach(api, volume, "compute-host", "ro");
            try (NbdClient client = NbdClient.connect(NbdClient.Target.parse(checking[1]), Duration.ofSeconds(30))) {
                // Byte-identical to the first state throughout: its data where it was, zeros everywhere else (the
                // second write's data at the same places is gone).
                ByteBuffer data = ByteBuffer.allocate(16 * MIB);
                for (long at = 0; at < client.size(); at += data.capacity()) {
                    client.read(data.clear(), at);
                    assertThat(data.array()).as("restored bytes at " + at).isEqualTo(expected(first, at, data.capacity()));
                }
            }
            api.delete("/attachments/" + checking[0]);
            // Written straight through NBD: nothing was staged on the backup host's disk.
            assertThat(dir.resolve("backup-host/cache/staging")).doesNotExist();
            try (RandomAccessFile file = new RandomAccessFile(dir.resolve("volume-host/volumes/volume-" + volume).toFile(), "r")) {
                assertThat(file.length()).isEqualTo(1L << 30);
            }
        }
    }
}
