package io.hearth.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.engine.target.BackupTargets;
import io.hearth.service.backup.RepositoryBackupEngine;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The end-to-end check every backup target module runs: the real service in-process with {@code backup_driver} and
 * the target's options in [DEFAULT], a volume written, backed up in full then incrementally over the Cinder API,
 * restored to a new volume and compared byte for byte. Target modules use it through this module's test jar.
 */
public final class TargetRoundTrip {
    private static final Duration WAIT = Duration.ofMinutes(2);

    private TargetRoundTrip() {}

    /**
     * @param state an empty directory for the service's state (database, volumes, cache)
     * @param targetOptions {@code name = value} lines for [DEFAULT]: {@code backup_driver} and the target's options
     */
    public static void backUpAndRestore(Path state, List<String> targetOptions) throws IOException {
        backUpAndRestore(state, targetOptions, BackupTargets.installed());
    }

    /** The same with the given target factories: for a target whose store is a client library's in-memory one. */
    public static void backUpAndRestore(Path state, List<String> targetOptions, BackupTargets targets) throws IOException {
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + state, "osapi_volume_listen_port = 0",
                "host = round-trip"));
        lines.addAll(targetOptions);
        HearthConfig config = HearthConfig.from(IniFile.parse(lines, "round-trip"));
        try (HearthServer server = HearthServer.start(config, c -> RepositoryBackupEngine.open(targets, c.backupTarget(),
                c.backupCompressionAlgorithm(), c.statePath().resolve("cache")))) {
            Http http = new Http("http://127.0.0.1:" + server.port(), "admin:demo", "3.71");
            String volume = createVolume(http);
            Path volumeFile = state.resolve("volumes/volume-" + volume);
            write(volumeFile, 0, 3 << 20, 1);

            String full = backUp(http, volume, false);
            write(volumeFile, 5L << 20, 1 << 20, 2);
            String incremental = backUp(http, volume, true);

            Http.Response restored = http.post("/v3/demo/backups/" + incremental + "/restore", "{\"restore\": {\"name\": \"copy\"}}");
            assertThat(restored.status()).as(restored.body().toString()).isEqualTo(202);
            String copy = restored.body().at("/restore/volume_id").asText();
            awaitStatus(http, "/v3/demo/volumes/" + copy, "/volume/status", "available");
            assertThat(Files.mismatch(volumeFile, state.resolve("volumes/volume-" + copy)))
                    .as("the restored volume equals the backed-up one").isEqualTo(-1L);
            assertThat(http.get("/v3/demo/backups/" + full).body().at("/backup/has_dependent_backups").asBoolean()).isTrue();
        }
    }

    private static String createVolume(Http http) {
        Http.Response created = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1, \"name\": \"round-trip\"}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        String id = created.body().at("/volume/id").asText();
        awaitStatus(http, "/v3/demo/volumes/" + id, "/volume/status", "available");
        return id;
    }

    private static String backUp(Http http, String volume, boolean incremental) {
        Http.Response created = http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\", \"incremental\": "
                + incremental + "}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        String id = created.body().at("/backup/id").asText();
        JsonNode backup = awaitStatus(http, "/v3/demo/backups/" + id, "/backup/status", "available").get("backup");
        assertThat(backup.get("is_incremental").asBoolean()).isEqualTo(incremental);
        awaitStatus(http, "/v3/demo/volumes/" + volume, "/volume/status", "available");
        return id;
    }

    /** Waits for the status, failing at once (with the record) if it turns to error instead. */
    private static JsonNode awaitStatus(Http http, String path, String pointer, String status) {
        return http.await(path, body -> {
            String now = body.at(pointer).asText();
            if (now.startsWith("error")) {
                throw new AssertionError(path + " went to " + now + ": " + body);
            }
            return now.equals(status);
        }, WAIT);
    }

    private static void write(Path file, long offset, int length, long seed) throws IOException {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.seek(offset);
            out.write(data);
        }
    }
}
