package io.hearth.service.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.TestDatabase;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.db.Database;
import io.hearth.service.server.HearthServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cinder's revert-to-snapshot (3.40) over HTTP: the data comes back byte for byte, and bad requests change nothing. */
class RevertToSnapshotTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long MIB = 1 << 20;

    @TempDir Path dir;
    private TestDatabase database;
    private HearthServer server;
    private Http admin;
    private Http member;
    private HearthConfig config;

    @BeforeEach
    void start() throws IOException {
        database = TestDatabase.create();
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"), "osapi_volume_listen_port = 0",
                "host = test-host"));
        lines.addAll(database.iniLines());
        config = HearthConfig.from(IniFile.parse(lines, "test"));
        startServer();
    }

    private void startServer() throws IOException {
        FakeBackupEngine engine = new FakeBackupEngine(dir.resolve("repo"));
        server = HearthServer.start(config, c -> engine);
        admin = new Http("http://127.0.0.1:" + server.port(), "admin:demo", "3.71");
        member = admin.as("alice:demo:member");
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

    private String create(Http http, String project, String collection, String key, String body) {
        Http.Response created = http.post("/v3/" + project + "/" + collection, body);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        String id = created.body().at("/" + key + "/id").asText();
        await(http, project, collection, key, id, "available");
        return id;
    }

    private void await(Http http, String project, String collection, String key, String id, String status) {
        http.await("/v3/" + project + "/" + collection + "/" + id, b -> b.at("/" + key + "/status").asText().equals(status), WAIT);
    }

    private String volume() {
        return create(member, "demo", "volumes", "volume", "{\"volume\": {\"size\": 1}}");
    }

    private String snapshot(String volume) {
        return create(member, "demo", "snapshots", "snapshot", "{\"snapshot\": {\"volume_id\": \"" + volume + "\"}}");
    }

    private Http.Response revert(Http http, String volume, String snapshot) {
        return http.post("/v3/demo/volumes/" + volume + "/action", "{\"revert\": {\"snapshot_id\": \"" + snapshot + "\"}}");
    }

    private String status(String collection, String key, String id) {
        return admin.get("/v3/demo/" + collection + "/" + id).body().at("/" + key + "/status").asText();
    }

    private Path volumeFile(String volume) {
        return dir.resolve("state/volumes/volume-" + volume);
    }

    private void scribble(String volume, long seed, long... offsets) throws IOException {
        Random random = new Random(seed);
        try (RandomAccessFile file = new RandomAccessFile(volumeFile(volume).toFile(), "rw")) {
            for (long offset : offsets) {
                byte[] data = new byte[64 * 1024];
                random.nextBytes(data);
                file.seek(offset);
                file.write(data);
            }
        }
    }

    /** A refused revert leaves the volume and snapshot as they were. */
    private void assertUnchanged(String volume, String snapshot, String volumeStatus) {
        assertThat(status("volumes", "volume", volume)).isEqualTo(volumeStatus);
        assertThat(status("snapshots", "snapshot", snapshot)).isEqualTo("available");
    }

    @Test
    void theVolumeGetsTheSnapshotsDataBackByteForByteAndStaysSparse() throws IOException {
        String volume = volume();
        scribble(volume, 1, 0, 300 * MIB, 1023 * MIB);
        String snapshot = snapshot(volume);
        Path saved = dir.resolve("at-snapshot");
        Files.copy(volumeFile(volume), saved);
        // Changes after the snapshot, over its data and where it had holes: all of them go.
        scribble(volume, 2, 0, 100 * MIB, 700 * MIB);
        assertThat(Files.mismatch(volumeFile(volume), saved)).isNotEqualTo(-1);

        Http.Response reverted = revert(member.at("3.40"), volume, snapshot);
        assertThat(reverted.status()).as(reverted.body().toString()).isEqualTo(202);
        await(admin, "demo", "volumes", "volume", volume, "available");
        await(admin, "demo", "snapshots", "snapshot", snapshot, "available");
        assertThat(Files.mismatch(volumeFile(volume), saved)).isEqualTo(-1);
        // Three 64 KiB extents of data in a 1 GiB file: the copy kept the holes.
        Process stat = new ProcessBuilder("stat", "-c", "%b*%B", volumeFile(volume).toString()).start();
        String[] blocks = new String(stat.getInputStream().readAllBytes()).strip().split("\\*");
        assertThat(Long.parseLong(blocks[0]) * Long.parseLong(blocks[1])).isLessThan(64 * MIB);
    }

    @Test
    void onlyTheLatestSnapshotOfTheVolumesSizeAtTheRightMicroversion() {
        String volume = volume();
        String older = snapshot(volume);
        String latest = snapshot(volume);

        Http.Response notLatest = revert(member, volume, older);
        assertThat(notLatest.status()).isEqualTo(400);
        assertThat(notLatest.body().at("/badRequest/message").asText())
                .contains("is None or not the latest one of volume " + volume).contains(latest);

        Http.Response oldVersion = revert(member.at("3.39"), volume, latest);
        assertThat(oldVersion.status()).as(oldVersion.body().toString()).isEqualTo(404);

        Http.Response noSnapshot = member.post("/v3/demo/volumes/" + volume + "/action", "{\"revert\": {}}");
        assertThat(noSnapshot.status()).isEqualTo(400);
        assertThat(noSnapshot.body().at("/badRequest/message").asText()).contains("'snapshot_id' is a required property");

        Http.Response notUuid = member.post("/v3/demo/volumes/" + volume + "/action", "{\"revert\": {\"snapshot_id\": \"x\"}}");
        assertThat(notUuid.status()).isEqualTo(400);

        Http.Response twoActions = member.post("/v3/demo/volumes/" + volume + "/action",
                "{\"revert\": {\"snapshot_id\": \"" + latest + "\"}, \"os-extend\": {\"new_size\": 2}}");
        assertThat(twoActions.status()).isEqualTo(400);
        assertUnchanged(volume, older, "available");
        assertUnchanged(volume, latest, "available");

        String other = volume();
        Http.Response otherVolumes = revert(member, other, latest);
        assertThat(otherVolumes.status()).isEqualTo(400);
        assertThat(otherVolumes.body().at("/badRequest/message").asText()).contains("Volume " + other + " doesn't have any snapshots.");

        // Extended since the snapshot: cinder refuses rather than shrink the volume.
        assertThat(member.post("/v3/demo/volumes/" + volume + "/action", "{\"os-extend\": {\"new_size\": 2}}").status()).isEqualTo(202);
        await(admin, "demo", "volumes", "volume", volume, "available");
        Http.Response bigger = revert(member, volume, latest);
        assertThat(bigger.status()).isEqualTo(400);
        assertThat(bigger.body().at("/badRequest/message").asText()).contains("The volume size must be equal to the snapshot size.");
        assertUnchanged(volume, latest, "available");
    }

    @Test
    void aVolumeThatIsNotAvailableGetsAConflict() {
        String volume = volume();
        String snapshot = snapshot(volume);
        assertThat(admin.post("/v3/demo/volumes/" + volume + "/action", "{\"os-reset_status\": {\"status\": \"error\"}}").status()).isEqualTo(202);
        Http.Response refused = revert(member, volume, snapshot);
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(409);
        assertThat(refused.body().at("/conflictingRequest/message").asText()).contains("Volume's status must be 'available'.");
        assertUnchanged(volume, snapshot, "error");
    }

    @Test
    void anotherProjectsSnapshotOrVolumeIsNotFound() {
        Http bob = admin.as("bob:other:member");
        String theirs = create(bob, "other", "volumes", "volume", "{\"volume\": {\"size\": 1}}");
        String theirSnapshot = create(bob, "other", "snapshots", "snapshot", "{\"snapshot\": {\"volume_id\": \"" + theirs + "\"}}");
        String mine = volume();
        String mySnapshot = snapshot(mine);

        Http.Response foreignSnapshot = revert(member, mine, theirSnapshot);
        assertThat(foreignSnapshot.status()).isEqualTo(404);
        assertThat(foreignSnapshot.body().at("/itemNotFound/message").asText()).isEqualTo("Snapshot " + theirSnapshot + " could not be found.");
        Http.Response foreignVolume = member.post("/v3/demo/volumes/" + theirs + "/action", "{\"revert\": {\"snapshot_id\": \"" + mySnapshot + "\"}}");
        assertThat(foreignVolume.status()).isEqualTo(404);
        assertUnchanged(mine, mySnapshot, "available");
        assertThat(bob.get("/v3/other/volumes/" + theirs).body().at("/volume/status").asText()).isEqualTo("available");
        assertThat(bob.get("/v3/other/snapshots/" + theirSnapshot).body().at("/snapshot/status").asText()).isEqualTo("available");
    }

    @Test
    void aFailedRevertLeavesTheVolumeInErrorAndTheSnapshotAvailable() throws IOException {
        String volume = volume();
        String snapshot = snapshot(volume);
        // The snapshot's data is gone from under the service: the copy fails.
        Files.delete(dir.resolve("state/volumes/snapshot-" + snapshot));
        assertThat(revert(member, volume, snapshot).status()).isEqualTo(202);
        await(admin, "demo", "volumes", "volume", volume, "error");
        await(admin, "demo", "snapshots", "snapshot", snapshot, "available");
    }

    @Test
    void aRevertCutShortByARestartIsDoneAgain() throws IOException {
        String volume = volume();
        scribble(volume, 3, 5 * MIB);
        String snapshot = snapshot(volume);
        scribble(volume, 4, 5 * MIB, 9 * MIB);
        server.close();
        // The process stopped after the API accepted the revert and before the volume service finished it.
        try (Database db = Database.open(config.database())) {
            db.jdbi().useHandle(h -> {
                h.execute("UPDATE volumes SET status = 'reverting' WHERE id = ?", volume);
                h.execute("UPDATE snapshots SET status = 'restoring' WHERE id = ?", snapshot);
            });
        }
        startServer();
        assertThat(status("volumes", "volume", volume)).isEqualTo("available");
        assertThat(status("snapshots", "snapshot", snapshot)).isEqualTo("available");
        assertThat(Files.mismatch(volumeFile(volume), dir.resolve("state/volumes/snapshot-" + snapshot))).isEqualTo(-1);
    }
}
