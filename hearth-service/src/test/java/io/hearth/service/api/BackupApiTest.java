package io.hearth.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.TestDatabase;
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
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cinder backup API's rules over HTTP against an in-process server (a fake engine stands in for the repository), on
 * the database the run names ({@link TestDatabase}).
 */
class BackupApiTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private TestDatabase database;
    private HearthServer server;
    private FakeBackupEngine engine;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        engine = new FakeBackupEngine(dir.resolve("repo"));
        database = TestDatabase.create();
        server = HearthServer.start(config(dir.resolve("state"), 10), c -> engine);
        http = new Http("http://127.0.0.1:" + server.port(), "admin:demo", "3.71");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private HearthConfig config(Path state, int quotaBackups) {
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + state, "osapi_volume_listen_port = 0",
                "quota_backups = " + quotaBackups, "backup_max_operations = 2", "host = test-host"));
        lines.addAll(database.iniLines());
        return HearthConfig.from(IniFile.parse(lines, "test"));
    }

    private String createVolume(int size) {
        Http.Response created = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": " + size + ", \"name\": \"v\"}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        String id = created.body().at("/volume/id").asText();
        awaitVolume(id, "available");
        return id;
    }

    private void awaitVolume(String id, String status) {
        http.await("/v3/demo/volumes/" + id, b -> b.at("/volume/status").asText().equals(status), WAIT);
    }

    private String volumeStatus(String id) {
        return http.get("/v3/demo/volumes/" + id).body().at("/volume/status").asText();
    }

    private String createBackup(String body) {
        Http.Response created = http.post("/v3/demo/backups", body);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        return created.body().at("/backup/id").asText();
    }

    private JsonNode awaitBackup(String id, String status) {
        return http.await("/v3/demo/backups/" + id, b -> b.at("/backup/status").asText().equals(status), WAIT).get("backup");
    }

    private void awaitGone(String id) {
        http.await("/v3/demo/backups/" + id, b -> b.has("itemNotFound"), WAIT);
    }

    private Path volumeFile(String id) {
        return dir.resolve("state/volumes/volume-" + id);
    }

    private long backupsInUse() {
        return http.get("/v3/demo/os-quota-sets/demo?usage=true").body().at("/quota_set/backups/in_use").asLong();
    }

    @Test
    void fullThenIncrementalBackupRestoresByteIdenticalToNewAndExistingVolumes() throws IOException {
        String volume = createVolume(1);
        try (RandomAccessFile file = new RandomAccessFile(volumeFile(volume).toFile(), "rw")) {
            file.seek(12345);
            file.write("hello hearth".getBytes());
        }
        String full = createBackup("{\"backup\": {\"volume_id\": \"" + volume + "\", \"name\": \"full\", \"metadata\": {\"k\": \"v\"}}}");
        JsonNode fullView = awaitBackup(full, "available");
        assertThat(fullView.get("is_incremental").asBoolean()).isFalse();
        assertThat(fullView.get("object_count").asLong()).isEqualTo(3);
        assertThat(fullView.get("metadata").get("k").asText()).isEqualTo("v");
        // Hearth's extensions: what the engine stored (the fake stores a whole copy), and no parent for a full backup.
        assertThat(fullView.get("hearth:stored_bytes").asLong()).isEqualTo(1L << 30);
        assertThat(fullView.get("hearth:parent_id").isNull()).isTrue();
        // As in cinder, the volume has its status back before the backup is available: no wait for it.
        assertThat(volumeStatus(volume)).isEqualTo("available");

        String incremental = createBackup("{\"backup\": {\"volume_id\": \"" + volume + "\", \"incremental\": \"yes\"}}");
        JsonNode incrementalView = awaitBackup(incremental, "available");
        assertThat(incrementalView.get("is_incremental").asBoolean()).isTrue();
        assertThat(incrementalView.get("hearth:parent_id").asText()).isEqualTo(full);
        assertThat(http.get("/v3/demo/backups/" + full).body().at("/backup/has_dependent_backups").asBoolean()).isTrue();
        assertThat(volumeStatus(volume)).isEqualTo("available");

        // The parent cannot go while its incremental exists.
        Http.Response refused = http.delete("/v3/demo/backups/" + full);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().at("/badRequest/message").asText()).isEqualTo("Invalid backup: Incremental backups exist for this backup.");

        Http.Response restored = http.post("/v3/demo/backups/" + incremental + "/restore", "{\"restore\": {\"name\": \"copy\"}}");
        assertThat(restored.status()).as(restored.body().toString()).isEqualTo(202);
        String target = restored.body().at("/restore/volume_id").asText();
        assertThat(restored.body().at("/restore/volume_name").asText()).isEqualTo("copy");
        // The restored volume is ready by the time the backup is available again.
        awaitBackup(incremental, "available");
        assertThat(volumeStatus(target)).isEqualTo("available");
        assertThat(Files.mismatch(volumeFile(volume), volumeFile(target))).isEqualTo(-1);

        String existing = createVolume(2);
        Http.Response onto = http.post("/v3/demo/backups/" + full + "/restore", "{\"restore\": {\"volume_id\": \"" + existing + "\"}}");
        assertThat(onto.status()).isEqualTo(202);
        awaitVolume(existing, "available");
        awaitBackup(full, "available");
        assertThat(Files.size(volumeFile(existing))).isEqualTo(2L << 30);
        try (RandomAccessFile file = new RandomAccessFile(volumeFile(existing).toFile(), "r")) {
            byte[] read = new byte[12];
            file.seek(12345);
            file.readFully(read);
            assertThat(new String(read)).isEqualTo("hello hearth");
        }

        // Create a volume from a backup (3.47): it stays creating until the restore is done.
        assertThat(http.at("3.46").post("/v3/demo/volumes", "{\"volume\": {\"backup_id\": \"" + full + "\"}}").status()).isEqualTo(400);
        Http.Response fromBackup = http.post("/v3/demo/volumes", "{\"volume\": {\"backup_id\": \"" + incremental + "\", \"size\": 1}}");
        assertThat(fromBackup.status()).as(fromBackup.body().toString()).isEqualTo(202);
        String third = fromBackup.body().at("/volume/id").asText();
        awaitVolume(third, "available");
        awaitBackup(incremental, "available");
        assertThat(Files.mismatch(volumeFile(volume), volumeFile(third))).isEqualTo(-1);

        assertThat(http.delete("/v3/demo/backups/" + incremental).status()).isEqualTo(202);
        awaitGone(incremental);
        assertThat(http.get("/v3/demo/backups/" + full).body().at("/backup/has_dependent_backups").asBoolean()).isFalse();
        assertThat(http.delete("/v3/demo/backups/" + full).status()).isEqualTo(202);
        awaitGone(full);
        assertThat(backupsInUse()).isZero();
    }

    @Test
    void inUseVolumeNeedsForceAndIsBackedUpFromATemporarySnapshotThatIsRemoved() throws IOException {
        String volume = createVolume(1);
        Http.Response attached = http.post("/v3/demo/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volume
                + "\", \"connector\": {\"host\": \"test-host\"}}}");
        assertThat(attached.status()).as(attached.body().toString()).isEqualTo(200);
        assertThat(attached.body().at("/attachment/connection_info/driver_volume_type").asText()).isEqualTo("local");
        assertThat(attached.body().at("/attachment/connection_info/data/device_path").asText()).endsWith("volume-" + volume);
        String attachment = attached.body().at("/attachment/id").asText();
        assertThat(http.post("/v3/demo/attachments/" + attachment + "/action", "{\"os-complete\": null}").status()).isEqualTo(204);
        assertThat(http.get("/v3/demo/volumes/" + volume).body().at("/volume/status").asText()).isEqualTo("in-use");

        Http.Response noForce = http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\"}}");
        assertThat(noForce.status()).isEqualTo(400);
        assertThat(noForce.body().at("/badRequest/message").asText()).isEqualTo("Invalid volume: Backing up an in-use volume must use the force flag.");

        String backup = createBackup("{\"backup\": {\"volume_id\": \"" + volume + "\", \"force\": true}}");
        awaitBackup(backup, "available");
        // The temporary snapshot is gone and the volume back in use by the time the backup is available.
        assertThat(volumeStatus(volume)).isEqualTo("in-use");
        try (Stream<Path> files = Files.list(dir.resolve("state/volumes"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("snapshot-"));
        }
        assertThat(http.delete("/v3/demo/attachments/" + attachment).status()).isEqualTo(200);
        assertThat(http.get("/v3/demo/volumes/" + volume).body().at("/volume/status").asText()).isEqualTo("available");
    }

    @Test
    void listFiltersSortLimitMarkerAndCount() {
        String volume = createVolume(1);
        List<String> ids = new ArrayList<>();
        for (String name : List.of("b", "a", "c")) {
            String id = createBackup("{\"backup\": {\"volume_id\": \"" + volume + "\", \"name\": \"" + name + "\"}}");
            awaitBackup(id, "available");
            ids.add(id);
        }
        JsonNode page = http.get("/v3/demo/backups/detail?sort=name:asc&limit=2&with_count=true").body();
        assertThat(page.get("backups")).hasSize(2);
        assertThat(page.get("count").asInt()).isEqualTo(3);
        assertThat(page.at("/backups/0/name").asText()).isEqualTo("a");
        assertThat(page.at("/backups_links/0/href").asText()).contains("marker=" + page.at("/backups/1/id").asText());
        JsonNode rest = http.get("/v3/demo/backups/detail?sort=name:asc&limit=2&marker=" + page.at("/backups/1/id").asText()).body();
        assertThat(rest.get("backups")).hasSize(1);
        assertThat(rest.at("/backups/0/name").asText()).isEqualTo("c");
        assertThat(rest.has("count")).isFalse();

        assertThat(http.get("/v3/demo/backups?name=a").body().get("backups")).hasSize(1);
        assertThat(http.get("/v3/demo/backups?marker=" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(http.get("/v3/demo/backups?sort=nosuch:asc").status()).isEqualTo(400);
        assertThat(http.get("/v3/demo/backups?limit=-1").status()).isEqualTo(400);
        assertThat(http.at("3.36").get("/v3/demo/backups?sort=name").status()).isEqualTo(400);
        Http.Response member = http.as("alice:demo:member").get("/v3/demo/backups?bogus=1");
        assertThat(member.status()).isEqualTo(400);
        assertThat(member.body().at("/badRequest/message").asText()).isEqualTo("Invalid filters bogus are found in query options.");
        // Another project sees none of them, and cannot show or delete one.
        Http other = http.as("bob:other:member");
        assertThat(other.get("/v3/other/backups").body().get("backups")).isEmpty();
        assertThat(other.get("/v3/other/backups/" + ids.get(0)).status()).isEqualTo(404);
        assertThat(other.delete("/v3/other/backups/" + ids.get(0)).status()).isEqualTo(404);
        assertThat(other.get("/v3/demo/backups").status()).isEqualTo(400);
        assertThat(http.get("/v3/demo/backups/" + ids.get(0)).body().at("/backup/status").asText()).isEqualTo("available");
    }

    @Test
    void badInputGetsCindersErrorsAndChangesNothing() {
        String volume = createVolume(1);
        record Case(String method, String path, String body, int status, String message) {}
        List<Case> cases = List.of(
                new Case("POST", "/v3/demo/backups", "{\"backup\": {\"volume_id\": ", 400, "Malformed request body"),
                new Case("POST", "/v3/demo/backups", "{}", 400, "'backup' is a required property"),
                new Case("POST", "/v3/demo/backups", "{\"backup\": {}}", 400, "'volume_id' is a required property"),
                new Case("POST", "/v3/demo/backups", "{\"backup\": {\"volume_id\": \"x\"}}", 400, "is not a 'uuid'"),
                new Case("POST", "/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\", \"bogus\": 1}}", 400,
                        "Additional properties are not allowed ('bogus' was unexpected)"),
                new Case("POST", "/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\", \"force\": \"maybe\"}}", 400,
                        "is not of type 'boolean'"),
                new Case("POST", "/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\", \"name\": {}}}", 400, "name"),
                new Case("POST", "/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + UUID.randomUUID() + "\"}}", 404,
                        "could not be found"),
                new Case("POST", "/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\", \"incremental\": true}}", 400,
                        "Invalid backup: No backups available to do an incremental backup."),
                new Case("POST", "/v3/demo/volumes", "{\"volume\": {\"size\": -1}}", 400, "greater than 0"),
                new Case("POST", "/v3/demo/volumes", "{\"volume\": {\"size\": 99999999999}}", 400, "size"),
                new Case("POST", "/v3/demo/volumes", "{\"volume\": {\"size\": 100000}}", 413, "gigabytes quota"),
                new Case("POST", "/v3/demo/volumes", "{\"volume\": {\"size\": 1.5}}", 400, "size"),
                new Case("POST", "/v3/demo/volumes/" + volume + "/action", "{\"os-extend\": {\"new_size\": 1}}", 400,
                        "New size for extend must be greater than current size"),
                new Case("POST", "/v3/demo/backups/" + UUID.randomUUID() + "/restore", "{\"restore\": {}}", 404, "could not be found"),
                new Case("DELETE", "/v3/demo/backups/" + UUID.randomUUID(), null, 404, "could not be found"),
                new Case("GET", "/v3/demo/nothing-here", null, 404, "could not be found"));
        for (Case c : cases) {
            Http.Response response = http.send(c.method(), c.path(), c.body());
            assertThat(response.status()).as(c + " -> " + response.body()).isEqualTo(c.status());
            assertThat(response.body().toString()).as(c.toString()).contains(c.message());
            assertThat(response.body().properties().iterator().next().getValue().get("code").asInt()).isEqualTo(c.status());
        }
        assertThat(http.get("/v3/demo/backups").body().get("backups")).isEmpty();
        assertThat(http.get("/v3/demo/volumes/" + volume).body().at("/volume/status").asText()).isEqualTo("available");
        assertThat(http.get("/v3/demo/volumes").body().get("volumes")).hasSize(1);
        assertThat(backupsInUse()).isZero();

        assertThat(http.at("3.99").get("/v3/demo/backups").status()).isEqualTo(406);
        assertThat(http.at("3.x").get("/v3/demo/backups").status()).isEqualTo(400);
        assertThat(http.at("3.8").put("/v3/demo/backups/" + volume, "{\"backup\": {}}").status()).isEqualTo(404);
        assertThat(http.at("3.42").post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\", \"metadata\": {}}}").status())
                .isEqualTo(400);
        Http.Response noToken = http.as(null).get("/v3/demo/backups");
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.body().has("unauthorized")).isTrue();
        assertThat(http.as("alice:demo:member").get("/v3/demo/os-services").status()).isEqualTo(403);
        assertThat(http.get("/v3/demo/backups").header("OpenStack-API-Version")).isEqualTo("volume 3.71");
    }

    @Test
    void wrongStatusesAreRefusedAndForceDeleteCancelsARunningBackup() {
        String volume = createVolume(1);
        engine.hold();
        String backup = createBackup("{\"backup\": {\"volume_id\": \"" + volume + "\"}}");
        http.await("/v3/demo/backups/" + backup + "/progress", b -> b.at("/progress/operation").asText().equals("backup"), WAIT);
        assertThat(http.get("/v3/demo/volumes/" + volume).body().at("/volume/status").asText()).isEqualTo("backing-up");
        Http.Response second = http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\"}}");
        assertThat(second.status()).isEqualTo(400);
        assertThat(second.body().at("/badRequest/message").asText()).contains("the current status is \"backing-up\"");
        Http.Response deleting = http.delete("/v3/demo/backups/" + backup);
        assertThat(deleting.status()).isEqualTo(400);
        assertThat(deleting.body().at("/badRequest/message").asText()).isEqualTo("Invalid backup: Backup status must be available or error");
        assertThat(http.delete("/v3/demo/volumes/" + volume).status()).isEqualTo(400);
        assertThat(http.post("/v3/demo/backups/" + backup + "/action", "{\"os-reset_status\": {\"status\": \"creating\"}}").status())
                .isEqualTo(400);

        assertThat(http.post("/v3/demo/backups/" + backup + "/action", "{\"os-force_delete\": {}}").status()).isEqualTo(202);
        awaitGone(backup);
        awaitVolume(volume, "available");
        engine.release();
        assertThat(backupsInUse()).isZero();
    }

    @Test
    void exportedRecordImportsAfterTheRowIsGone() throws IOException {
        String volume = createVolume(1);
        String backup = createBackup("{\"backup\": {\"volume_id\": \"" + volume + "\", \"name\": \"keep\"}}");
        awaitBackup(backup, "available");
        Http.Response exported = http.get("/v3/demo/backups/" + backup + "/export_record");
        assertThat(exported.status()).isEqualTo(200);
        String service = exported.body().at("/backup-record/backup_service").asText();
        String url = exported.body().at("/backup-record/backup_url").asText();
        String importBody = "{\"backup-record\": {\"backup_service\": \"" + service + "\", \"backup_url\": \"" + url + "\"}}";

        Http.Response duplicate = http.post("/v3/demo/backups/import_record", importBody);
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.body().at("/badRequest/message").asText()).isEqualTo("Invalid backup: Backup already exists in database.");
        assertThat(http.post("/v3/demo/backups/import_record", "{\"backup-record\": {\"backup_service\": \"x\", \"backup_url\": \"!!\"}}")
                .body().at("/badRequest/message").asText()).contains("Can't decode/parse backup record.");
        assertThat(http.as("alice:demo:member").get("/v3/demo/backups/" + backup + "/export_record").status()).isEqualTo(403);

        // Lose the row but keep the data: delete through the API with the data copied aside, then put it back.
        Path data = dir.resolve("repo").resolve(backup);
        Path aside = dir.resolve("aside");
        Files.copy(data, aside);
        assertThat(http.delete("/v3/demo/backups/" + backup).status()).isEqualTo(202);
        awaitGone(backup);
        Files.copy(aside, data);

        Http.Response imported = http.post("/v3/demo/backups/import_record", importBody);
        assertThat(imported.status()).as(imported.body().toString()).isEqualTo(201);
        assertThat(imported.body().at("/backup/id").asText()).isEqualTo(backup);
        JsonNode view = awaitBackup(backup, "available");
        assertThat(view.get("name").asText()).isEqualTo("keep");
        assertThat(view.get("volume_id").asText()).isEqualTo(volume);
        assertThat(backupsInUse()).isEqualTo(1);
    }

    @Test
    void fiftyConcurrentBackupsOverTenVolumesEndAvailableOrGetAClearError() throws Exception {
        assertThat(http.put("/v3/demo/os-quota-sets/demo", "{\"quota_set\": {\"volumes\": 20}}").status()).isEqualTo(200);
        List<String> volumes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            volumes.add(createVolume(1));
        }
        List<Http.Response> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(25)) {
            List<Future<Http.Response>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String volume = volumes.get(i % 10);
                futures.add(pool.submit(() -> http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\"}}")));
            }
            for (Future<Http.Response> future : futures) {
                responses.add(future.get());
            }
        }
        List<String> accepted = new ArrayList<>();
        for (Http.Response response : responses) {
            if (response.status() == 202) {
                accepted.add(response.body().at("/backup/id").asText());
            } else {
                assertThat(response.status()).as(response.body().toString()).isIn(400, 413);
                assertThat(response.body().toString()).containsAnyOf("current status is", "Maximum number of backups allowed (10) exceeded");
            }
        }
        assertThat(accepted).hasSizeBetween(1, 10);
        for (String id : accepted) {
            awaitBackup(id, "available");
        }
        for (String volume : volumes) {
            awaitVolume(volume, "available");
        }
        assertThat(backupsInUse()).isEqualTo(accepted.size());
        assertThat(http.get("/v3/demo/backups").body().get("backups")).hasSize(accepted.size());
    }

    @Test
    void snapshotsClonesExtendAndBackupsOfASnapshot() throws IOException {
        String volume = createVolume(1);
        try (RandomAccessFile file = new RandomAccessFile(volumeFile(volume).toFile(), "rw")) {
            file.write("snapshot me".getBytes());
        }
        Http.Response snap = http.post("/v3/demo/snapshots", "{\"snapshot\": {\"volume_id\": \"" + volume + "\", \"name\": \"s\"}}");
        assertThat(snap.status()).isEqualTo(202);
        String snapshot = snap.body().at("/snapshot/id").asText();
        http.await("/v3/demo/snapshots/" + snapshot, b -> b.at("/snapshot/status").asText().equals("available"), WAIT);
        assertThat(http.delete("/v3/demo/volumes/" + volume).status()).as("a volume with snapshots stays").isEqualTo(400);

        Http.Response fromSnapshot = http.post("/v3/demo/volumes", "{\"volume\": {\"snapshot_id\": \"" + snapshot + "\", \"size\": 2}}");
        assertThat(fromSnapshot.status()).isEqualTo(202);
        String copy = fromSnapshot.body().at("/volume/id").asText();
        awaitVolume(copy, "available");
        assertThat(Files.size(volumeFile(copy))).isEqualTo(2L << 30);
        try (RandomAccessFile file = new RandomAccessFile(volumeFile(copy).toFile(), "r")) {
            byte[] start = new byte[11];
            file.readFully(start);
            assertThat(new String(start)).isEqualTo("snapshot me");
        }
        Http.Response clone = http.post("/v3/demo/volumes", "{\"volume\": {\"source_volid\": \"" + volume + "\"}}");
        awaitVolume(clone.body().at("/volume/id").asText(), "available");
        assertThat(http.post("/v3/demo/volumes", "{\"volume\": {\"source_volid\": \"" + copy + "\", \"size\": 1}}").status())
                .as("smaller than the source").isEqualTo(400);

        // A backup of the snapshot leaves the volume alone and the snapshot available again.
        String backup = createBackup("{\"backup\": {\"volume_id\": \"" + volume + "\", \"snapshot_id\": \"" + snapshot + "\"}}");
        awaitBackup(backup, "available");
        assertThat(http.get("/v3/demo/backups/" + backup).body().at("/backup/snapshot_id").asText()).isEqualTo(snapshot);
        assertThat(http.get("/v3/demo/snapshots/" + snapshot).body().at("/snapshot/status").asText()).isEqualTo("available");
        assertThat(http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + copy + "\", \"snapshot_id\": \"" + snapshot + "\"}}")
                .body().at("/badRequest/message").asText()).contains("does not match with snapshot.volume_id");

        // Extend, then a 2 GiB backup cannot be restored onto a 1 GiB volume.
        assertThat(http.post("/v3/demo/volumes/" + copy + "/action", "{\"os-extend\": {\"new_size\": 3}}").status()).isEqualTo(202);
        http.await("/v3/demo/volumes/" + copy, b -> b.at("/volume/size").asInt() == 3 && b.at("/volume/status").asText().equals("available"), WAIT);
        String big = createBackup("{\"backup\": {\"volume_id\": \"" + copy + "\"}}");
        awaitBackup(big, "available");
        awaitVolume(copy, "available");
        Http.Response tooSmall = http.post("/v3/demo/backups/" + big + "/restore", "{\"restore\": {\"volume_id\": \"" + volume + "\"}}");
        assertThat(tooSmall.status()).isEqualTo(400);
        assertThat(tooSmall.body().at("/badRequest/message").asText()).isEqualTo("Invalid volume: volume size 1 is too small to restore backup of size 3.");
        assertThat(http.get("/v3/demo/backups/" + big).body().at("/backup/status").asText()).isEqualTo("available");
        assertThat(http.get("/v3/demo/volumes/" + volume).body().at("/volume/status").asText()).isEqualTo("available");

        assertThat(http.delete("/v3/demo/snapshots/" + snapshot).status()).isEqualTo(202);
        http.await("/v3/demo/snapshots/" + snapshot, b -> b.has("itemNotFound"), WAIT);
        assertThat(http.delete("/v3/demo/volumes/" + volume).status()).isEqualTo(202);
        http.await("/v3/demo/volumes/" + volume, b -> b.has("itemNotFound"), WAIT);
        assertThat(Files.exists(volumeFile(volume))).isFalse();
    }

    @Test
    void withNoBackupServiceUpRequestsAreRefusedAtOnceWithAClearError() {
        String volume = createVolume(1);
        String host = http.get("/v3/demo/os-services?binary=cinder-backup").body().at("/services/0/host").asText();
        assertThat(http.put("/v3/demo/os-services/disable", "{\"host\": \"" + host + "\", \"binary\": \"cinder-backup\"}").status())
                .isEqualTo(200);
        Http.Response refused = http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\"}}");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body().at("/serviceUnavailable/message").asText()).contains("No backup service is up");
        assertThat(http.get("/v3/demo/volumes/" + volume).body().at("/volume/status").asText()).isEqualTo("available");
        assertThat(backupsInUse()).isZero();
        assertThat(http.put("/v3/demo/os-services/enable", "{\"host\": \"" + host + "\", \"binary\": \"cinder-backup\"}").status())
                .isEqualTo(200);
        awaitBackup(createBackup("{\"backup\": {\"volume_id\": \"" + volume + "\"}}"), "available");
        JsonNode limits = http.get("/v3/demo/limits").body().at("/limits/absolute");
        assertThat(limits.get("totalBackupsUsed").asInt()).isEqualTo(1);
        assertThat(limits.get("maxTotalBackups").asInt()).isEqualTo(10);
        assertThat(limits.get("totalBackupGigabytesUsed").asInt()).isEqualTo(1);
    }

    @Test
    void nulCharactersAreRefusedAlikeOnEveryDatabase() {
        // (Jetty itself refuses %00 in a path.)
        String volume = createVolume(1);
        for (Http.Response refused : List.of(
                http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1, \"name\": \"a\\u0000b\"}}"),
                http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\", \"metadata\": {\"k\": \"\\u0000\"}}}"),
                http.put("/v3/demo/volumes/" + volume, "{\"volume\": {\"description\": \"\\u0000\"}}"),
                http.get("/v3/demo/backups?name=%00"))) {
            assertThat(refused.status()).as(refused.body().toString()).isEqualTo(400);
            assertThat(refused.body().at("/badRequest/message").asText()).contains("NUL character");
        }
        JsonNode volumes = http.get("/v3/demo/volumes/detail").body().get("volumes");
        assertThat(volumes).singleElement().satisfies(v -> assertThat(v.get("description").isNull()).isTrue());
        assertThat(http.get("/v3/demo/backups").body().get("backups")).isEmpty();
        assertThat(backupsInUse()).isZero();
    }
}
