package io.hearth.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.cli.HearthCommand;
import io.hearth.cli.client.ApiClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** End to end over HTTP against a real {@code hearth serve} process and the real backup repository. */
class ServeIT {
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    private Path config(String state, Path repository, String... more) throws IOException {
        Path config = dir.resolve(state + ".conf");
        List<String> lines = new java.util.ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir.resolve(state),
                "backup_posix_path = " + repository, "backup_max_operations = 2", "host = it-host"));
        lines.addAll(List.of(more));
        Files.write(config, lines);
        return config;
    }

    /** Runs a hearth CLI command in this JVM against the server; returns stdout, fails on a non-zero exit. */
    static String hearth(ServerProcess server, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HearthCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = Stream.concat(Stream.of(args), Stream.of("--url", server.url(), "--token", "admin:demo")).toArray(String[]::new);
        int code = cli.execute(all);
        assertThat(code).as("hearth " + String.join(" ", args) + ": " + err).isZero();
        return out.toString();
    }

    private static ApiClient api(ServerProcess server) {
        return new ApiClient(server.url(), "admin:demo");
    }

    private static String id(String json, String pointer) {
        return ApiClient.parse(json).at(pointer).asText();
    }

    private static JsonNode awaitStatus(ApiClient api, String path, String pointer, String status) {
        return api.await(path, b -> b != null && b.at(pointer).asText().equals(status), WAIT, () -> {});
    }

    private Path image(String name, long seed) throws IOException {
        Path image = dir.resolve(name);
        byte[] data = new byte[3 << 20];
        new Random(seed).nextBytes(data);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.write(data);
            file.seek(200L << 20);
            file.write(data, 0, 1 << 20);
        }
        return image;
    }

    private static void assertSameContent(Path image, Path read) throws IOException {
        long length = Files.size(image);
        try (RandomAccessFile a = new RandomAccessFile(image.toFile(), "r"); RandomAccessFile b = new RandomAccessFile(read.toFile(), "r")) {
            byte[] left = new byte[1 << 20];
            byte[] right = new byte[1 << 20];
            for (long position = 0; position < length; position += left.length) {
                int n = (int) Math.min(left.length, length - position);
                a.seek(position);
                a.readFully(left, 0, n);
                b.seek(position);
                b.readFully(right, 0, n);
                assertThat(java.util.Arrays.equals(left, 0, n, right, 0, n)).as("bytes at " + position).isTrue();
            }
        }
    }

    @Test
    void seedWorkflowFullIncrementalRestoreToNewAndExistingVolumes() throws Exception {
        try (ServerProcess server = ServerProcess.start(config("a", dir.resolve("repo")), dir.resolve("a.log"))) {
            ApiClient api = api(server);
            String volume = id(hearth(server, "volume", "create", "--size", "1", "--name", "disk", "--json"), "/volume/id");
            Path first = image("first.img", 1);
            hearth(server, "volume", "write", volume, first.toString());
            String full = id(hearth(server, "backup", "create", volume, "--name", "full", "--json"), "/backup/id");

            Path second = image("second.img", 2);
            hearth(server, "volume", "write", volume, second.toString());
            String incremental = id(hearth(server, "backup", "create", volume, "--incremental", "--json"), "/backup/id");
            JsonNode inc = api.get("/backups/" + incremental).get("backup");
            assertThat(inc.get("is_incremental").asBoolean()).isTrue();
            assertThat(inc.get("object_count").asLong()).isPositive();
            assertThat(api.get("/backups/" + full).at("/backup/has_dependent_backups").asBoolean()).isTrue();

            String restored = id(hearth(server, "backup", "restore", full, "--name", "old", "--json"), "/restore/volume_id");
            Path out = dir.resolve("out.img");
            hearth(server, "volume", "read", restored, out.toString());
            assertSameContent(first, out);
            assertThat(Files.size(out)).isEqualTo(1L << 30);

            // Restore the incremental onto the volume that held the full's data.
            hearth(server, "backup", "restore", incremental, "--volume", restored);
            hearth(server, "volume", "read", restored, out.toString());
            assertSameContent(second, out);
            assertThat(api.get("/volumes/" + restored).at("/volume/status").asText()).isEqualTo("available");

            hearth(server, "backup", "delete", incremental);
            hearth(server, "backup", "delete", full);
            assertThat(api.get("/backups").get("backups")).isEmpty();
        }
    }

    @Test
    void backupsAreEncryptedUnderTheConfiguredKeyAndAWrongKeyFailsTheBackupWithAReason() throws Exception {
        Path repository = dir.resolve("encrypted-repo");
        Path key = Files.writeString(dir.resolve("backup.key"), "00112233445566778899aabbccddeeff".repeat(2));
        Path image = image("secret.img", 4);
        try (ServerProcess server = ServerProcess.start(config("enc", repository, "backup_encryption_key_file = " + key),
                dir.resolve("enc.log"))) {
            String volume = id(hearth(server, "volume", "create", "--size", "1", "--json"), "/volume/id");
            hearth(server, "volume", "write", volume, image.toString());
            String backup = id(hearth(server, "backup", "create", volume, "--json"), "/backup/id");
            String restored = id(hearth(server, "backup", "restore", backup, "--json"), "/restore/volume_id");
            Path out = dir.resolve("enc-out.img");
            hearth(server, "volume", "read", restored, out.toString());
            assertSameContent(image, out);
        }
        assertThat(Files.readString(repository.resolve("config"))).contains("aes-256-gcm");

        Path wrong = Files.writeString(dir.resolve("wrong.key"), "f".repeat(64));
        try (ServerProcess server = ServerProcess.start(config("wrong", repository, "backup_encryption_key_file = " + wrong),
                dir.resolve("wrong.log"))) {
            ApiClient api = api(server);
            String volume = id(hearth(server, "volume", "create", "--size", "1", "--json"), "/volume/id");
            String backup = api.post("/backups", java.util.Map.of("backup", java.util.Map.of("volume_id", volume))).at("/backup/id").asText();
            JsonNode failed = awaitStatus(api, "/backups/" + backup, "/backup/status", "error");
            assertThat(failed.at("/backup/fail_reason").asText()).contains("no key of this repository opens");
            awaitStatus(api, "/volumes/" + volume, "/volume/status", "available");
        }
    }

    @Test
    void exportDeleteTheDatabaseStartAgainImportAndRestoreByteIdentical() throws Exception {
        Path repository = dir.resolve("shared-repo");
        Path image = image("disk.img", 3);
        Path record = dir.resolve("record.json");
        String backup;
        try (ServerProcess server = ServerProcess.start(config("first", repository), dir.resolve("first.log"))) {
            String volume = id(hearth(server, "volume", "create", "--size", "1", "--json"), "/volume/id");
            hearth(server, "volume", "write", volume, image.toString());
            backup = id(hearth(server, "backup", "create", volume, "--name", "precious", "--json"), "/backup/id");
            hearth(server, "backup", "export", backup, "-o", record.toString());
        }
        // The database is lost: a new state path, the same repository.
        try (Stream<Path> files = Files.walk(dir.resolve("first"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        try (ServerProcess server = ServerProcess.start(config("second", repository), dir.resolve("second.log"))) {
            ApiClient api = api(server);
            assertThat(api.getOrNull("/backups/" + backup)).isNull();
            JsonNode imported = ApiClient.parse(hearth(server, "backup", "import", record.toString(), "--json"));
            assertThat(imported.at("/backup/status").asText()).isEqualTo("available");
            assertThat(imported.at("/backup/name").asText()).isEqualTo("precious");
            String restored = id(hearth(server, "backup", "restore", backup, "--json"), "/restore/volume_id");
            Path out = dir.resolve("out.img");
            hearth(server, "volume", "read", restored, out.toString());
            assertSameContent(image, out);
        }
    }

    @Test
    void killedWhileCreatingTheBackupIsErrorWithAReasonAndTheVolumeIsBack() throws Exception {
        Path config = config("crash", dir.resolve("crash-repo"));
        String volume;
        String backup;
        ServerProcess server = ServerProcess.start(config, dir.resolve("crash.log"));
        try {
            ApiClient api = api(server);
            volume = id(hearth(server, "volume", "create", "--size", "4", "--json"), "/volume/id");
            backup = api.post("/backups", Map.of("backup", Map.of("volume_id", volume))).at("/backup/id").asText();
            assertThat(api.get("/backups/" + backup).at("/backup/status").asText()).isEqualTo("creating");
            assertThat(api.get("/volumes/" + volume).at("/volume/status").asText()).isEqualTo("backing-up");
        } finally {
            server.kill();
        }
        try (ServerProcess again = ServerProcess.start(config, dir.resolve("crash.log"))) {
            ApiClient api = api(again);
            JsonNode after = api.get("/backups/" + backup).get("backup");
            assertThat(after.get("status").asText()).isEqualTo("error");
            assertThat(after.get("fail_reason").asText()).isEqualTo("incomplete backup reset on manager restart");
            assertThat(api.get("/volumes/" + volume).at("/volume/status").asText()).isEqualTo("available");
            // The failed backup can be deleted, and the volume backed up again.
            hearth(again, "backup", "delete", backup);
            String next = id(hearth(again, "backup", "create", volume, "--json"), "/backup/id");
            awaitStatus(api, "/backups/" + next, "/backup/status", "available");
        }
    }
}
