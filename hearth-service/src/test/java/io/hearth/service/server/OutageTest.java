package io.hearth.service.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.LoopbackProxy;
import io.hearth.service.TestDatabase;
import io.hearth.service.backup.Backup;
import io.hearth.service.backup.BackupDao;
import io.hearth.service.backup.BackupManager;
import io.hearth.service.backup.BackupStatus;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.db.Database;
import io.hearth.service.volume.Volume;
import io.hearth.service.volume.VolumeDao;
import io.hearth.service.volume.VolumeStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database going away and coming back under a running service (a {@link LoopbackProxy} cuts the real PostgreSQL or
 * MariaDB server off), and a restart over work left in transitional statuses (on every database).
 */
class OutageTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private TestDatabase database;
    private FakeBackupEngine engine;
    private HearthServer server;

    @BeforeEach
    void create() {
        database = TestDatabase.create();
        engine = new FakeBackupEngine(dir.resolve("repo"));
    }

    @AfterEach
    void drop() {
        if (server != null) {
            server.close();
        }
        database.close();
    }

    private HearthConfig config(List<String> databaseLines) {
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"), "osapi_volume_listen_port = 0",
                "host = test-host"));
        lines.addAll(databaseLines);
        return HearthConfig.from(IniFile.parse(lines, "test"));
    }

    @Test
    void whileTheDatabaseIsAwayTheApiAnswers503AndWorkResumesWhenItIsBack() throws Exception {
        Assumptions.assumeTrue(database.kind() != TestDatabase.Kind.H2, "needs a database server to cut off (hearth.test.database)");
        try (LoopbackProxy proxy = new LoopbackProxy(database.host(), database.port())) {
            server = HearthServer.start(config(database.iniLines("127.0.0.1", proxy.port())), c -> engine);
            Http http = new Http("http://127.0.0.1:" + server.port(), "admin:demo", "3.71");
            Http.Response created = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}");
            String volume = created.body().at("/volume/id").asText();
            http.await("/v3/demo/volumes/" + volume, b -> b.at("/volume/status").asText().equals("available"), WAIT);
            engine.hold();
            String backup = http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\"}}").body().at("/backup/id").asText();
            http.await("/v3/demo/backups/" + backup + "/progress", b -> b.at("/progress/operation").asText().equals("backup"), WAIT);

            proxy.cut();
            for (String[] request : List.of(new String[] {"GET", "/v3/demo/volumes", null},
                    new String[] {"POST", "/v3/demo/volumes", "{\"volume\": {\"size\": 1, \"name\": \"during\"}}"},
                    new String[] {"GET", "/v3/demo/backups/" + backup, null})) {
                long started = System.nanoTime();
                Http.Response refused = http.send(request[0], request[1], request[2]);
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(refused.status()).as(request[1] + " " + refused.body()).isEqualTo(503);
                assertThat(refused.body().at("/serviceUnavailable/code").asInt()).isEqualTo(503);
                assertThat(refused.body().at("/serviceUnavailable/message").asText()).contains("cannot reach its database");
                // The pool's connection timeout (5 s), not a hang.
                assertThat(took).isLessThan(Duration.ofSeconds(10));
            }
            // The backup's data is written during the outage; recording it waits for the database.
            engine.release();
            awaitFile(dir.resolve("repo").resolve(backup + ".json"));
            assertThat(http.get("/v3/demo/backups/" + backup).status()).isEqualTo(503);

            proxy.restore();
            http.await("/v3/demo/backups/" + backup, b -> b.at("/backup/status").asText().equals("available"), WAIT);
            http.await("/v3/demo/volumes/" + volume, b -> b.at("/volume/status").asText().equals("available"), WAIT);
            JsonNode volumes = http.get("/v3/demo/volumes/detail").body().get("volumes");
            assertThat(volumes).hasSize(1);
            // Nothing half-written: the refused create charged no quota.
            JsonNode quota = http.get("/v3/demo/os-quota-sets/demo?usage=true").body().get("quota_set");
            assertThat(quota.at("/volumes/in_use").asInt()).isEqualTo(1);
            assertThat(quota.at("/gigabytes/in_use").asInt()).isEqualTo(1);
            assertThat(quota.at("/backups/in_use").asInt()).isEqualTo(1);
            Http.Response after = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1, \"name\": \"after\"}}");
            assertThat(after.status()).as(after.body().toString()).isEqualTo(202);
            http.await("/v3/demo/volumes/" + after.body().at("/volume/id").asText(),
                    b -> b.at("/volume/status").asText().equals("available"), WAIT);
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(file)) {
            assertThat(System.nanoTime()).as("waiting for " + file).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aRestartLeavesNothingInATransitionalStatus() throws Exception {
        HearthConfig config = config(database.iniLines());
        Files.createDirectories(config.statePath());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String backingUp = UUID.randomUUID().toString();
        String creating = UUID.randomUUID().toString();
        String backup = UUID.randomUUID().toString();
        // What a crash mid-work leaves: a volume being backed up by a backup still creating, and a volume being created.
        try (Database db = Database.open(config.database())) {
            VolumeDao volumes = new VolumeDao(db.jdbi());
            volumes.insert(new Volume(backingUp, "demo", "u", "v", null, 1, VolumeStatus.BACKING_UP, null, "nova", "test-host", null, null,
                    null, Map.of(), false, now, null, null));
            volumes.insert(new Volume(creating, "demo", "u", "w", null, 1, VolumeStatus.CREATING, null, "nova", "test-host", null, null,
                    null, Map.of(), false, now, null, null));
            BackupDao backups = new BackupDao(db.jdbi());
            backups.insert(new Backup(backup, "demo", "u", backingUp, null, null, "b", null, BackupStatus.CREATING, null,
                    1, 0, null, null, "nova", "test-host", null, Map.of(), null, null, "available", now, now, now, null));
            assertThat(backups.startWork(backup, BackupStatus.CREATING, "test-host")).isTrue();
        }
        server = HearthServer.start(config, c -> engine);
        Http http = new Http("http://127.0.0.1:" + server.port(), "admin:demo", "3.71");
        JsonNode failed = http.get("/v3/demo/backups/" + backup).body().get("backup");
        assertThat(failed.get("status").asText()).isEqualTo("error");
        assertThat(failed.get("fail_reason").asText()).isEqualTo(BackupManager.RESTART_REASON);
        assertThat(http.get("/v3/demo/volumes/" + backingUp).body().at("/volume/status").asText()).isEqualTo("available");
        http.await("/v3/demo/volumes/" + creating, b -> b.at("/volume/status").asText().equals("available"), WAIT);
    }
}
