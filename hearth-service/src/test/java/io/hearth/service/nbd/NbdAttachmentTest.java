package io.hearth.service.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.nbd.NbdClient;
import io.hearth.service.Http;
import io.hearth.service.backup.RepositoryBackupEngine;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.db.Json;
import io.hearth.service.server.HearthServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attachments from another host get NBD exports; writes through them feed the changed-block map, which an
 * incremental backup (the real engine) reads instead of the whole volume — unless something bypassed it.
 */
class NbdAttachmentTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MIB = 1 << 20;

    @TempDir Path dir;
    private HearthServer server;
    private RepositoryBackupEngine engine;
    private Http http;

    @BeforeEach
    void start() throws IOException {
        startServer();
    }

    private void startServer() throws IOException {
        HearthConfig config = HearthConfig.from(IniFile.parse(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"),
                "osapi_volume_listen_port = 0", "host = volume-host", "target_ip_address = 127.0.0.1", "target_port = 0",
                "changed_block_granularity_kb = 128"), "test"));
        server = HearthServer.start(config, c -> engine = RepositoryBackupEngine.open(c.backupTarget(), "zstd", c.statePath().resolve("cache")));
        http = new Http("http://127.0.0.1:" + server.port(), "admin:demo", "3.71");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void restartServer() throws IOException {
        server.close();
        startServer();
    }

    private String createVolume() {
        Http.Response created = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        String id = created.body().at("/volume/id").asText();
        awaitVolume(id, "available");
        return id;
    }

    private void awaitVolume(String id, String status) {
        http.await("/v3/demo/volumes/" + id, b -> b.at("/volume/status").asText().equals(status), WAIT);
    }

    private JsonNode attach(String volume, String host, String mode) {
        Http.Response attached = http.post("/v3/demo/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volume
                + "\", \"mode\": \"" + mode + "\", \"connector\": {\"host\": \"" + host + "\"}}}");
        assertThat(attached.status()).as(attached.body().toString()).isEqualTo(200);
        return attached.body().get("attachment");
    }

    private void complete(JsonNode attachment) {
        assertThat(http.post("/v3/demo/attachments/" + attachment.get("id").asText() + "/action", "{\"os-complete\": null}").status()).isEqualTo(204);
    }

    private void detach(JsonNode attachment) {
        assertThat(http.delete("/v3/demo/attachments/" + attachment.get("id").asText()).status()).isEqualTo(200);
    }

    private static NbdClient connect(JsonNode attachment) throws IOException {
        JsonNode data = attachment.at("/connection_info/data");
        return NbdClient.connect(NbdClient.Target.plain(data.get("host").asText(), data.get("port").asInt(), data.get("export_name").asText()),
                Duration.ofSeconds(10));
    }

    /** Writes {@code length} seeded bytes at each offset through a remote attachment, then detaches. */
    private void writeRemotely(String volume, long... offsets) throws IOException {
        JsonNode attachment = attach(volume, "compute-1", "rw");
        try (NbdClient client = connect(attachment)) {
            Random random = new Random(offsets.length);
            for (long offset : offsets) {
                byte[] data = new byte[4096];
                random.nextBytes(data);
                client.write(ByteBuffer.wrap(data), offset, false);
            }
            client.flush();
        }
        detach(attachment);
        awaitVolume(volume, "available");
    }

    private String backup(String volume, boolean incremental) {
        Http.Response created = http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\", \"incremental\": " + incremental + "}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        String id = created.body().at("/backup/id").asText();
        http.await("/v3/demo/backups/" + id, b -> b.at("/backup/status").asText().equals("available"), WAIT);
        awaitVolume(volume, "available");
        return id;
    }

    private long bytesRead(String backupId) throws IOException {
        return Json.MAPPER.readTree(engine.exportManifest(backupId).orElseThrow()).at("/stats/bytes_read").asLong();
    }

    private byte[] bytes(String volume, long offset, int length) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(volumeFile(volume).toFile(), "r")) {
            byte[] data = new byte[length];
            file.seek(offset);
            file.readFully(data);
            return data;
        }
    }

    private Path volumeFile(String volume) {
        return dir.resolve("state/volumes/volume-" + volume);
    }

    @Test
    void aRemoteConnectorGetsAnNbdExportThatQemuImgAcceptsAndDetachCloses() throws Exception {
        String volume = createVolume();
        JsonNode attachment = attach(volume, "compute-1", "rw");
        JsonNode info = attachment.get("connection_info");
        assertThat(info.get("driver_volume_type").asText()).isEqualTo("nbd");
        JsonNode data = info.get("data");
        assertThat(data.get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(data.get("port").asInt()).isEqualTo(server.nbdPort());
        assertThat(data.get("export_name").asText()).matches("[0-9a-f]{32}");
        String uri = data.get("uri").asText();
        assertThat(uri).isEqualTo("nbd://127.0.0.1:" + server.nbdPort() + "/" + data.get("export_name").asText());
        assertThat(run("qemu-img", "info", uri)).contains("virtual size: 1 GiB");
        run("qemu-io", "-f", "raw", "-c", "write -P 0x61 4096 512", uri);
        assertThat(new String(bytes(volume, 4096, 4), StandardCharsets.US_ASCII)).isEqualTo("aaaa");
        // Another attachment gets another secret; the same attachment shows the same one.
        JsonNode shown = http.get("/v3/demo/attachments/" + attachment.get("id").asText()).body().get("attachment");
        assertThat(shown.at("/connection_info/data/uri").asText()).isEqualTo(uri);

        detach(attachment);
        assertThatThrownBy(() -> run("qemu-img", "info", uri)).hasMessageContaining("exit");
    }

    @Test
    void readOnlyAttachmentsGetReadOnlyExports() throws Exception {
        String volume = createVolume();
        JsonNode attachment = attach(volume, "backup-host", "ro");
        assertThat(attachment.at("/connection_info/data/read_only").asBoolean()).isTrue();
        try (NbdClient client = connect(attachment)) {
            assertThat(client.readOnly()).isTrue();
            assertThatThrownBy(() -> client.write(ByteBuffer.wrap(new byte[512]), 0, false)).hasMessageContaining("error 1");
        }
        assertThat(bytes(volume, 0, 4096)).containsOnly((byte) 0);
        detach(attachment);
    }

    @Test
    void aLocalConnectorStillGetsTheFile() {
        String volume = createVolume();
        JsonNode attachment = attach(volume, "volume-host", "rw");
        assertThat(attachment.at("/connection_info/driver_volume_type").asText()).isEqualTo("local");
        assertThat(attachment.at("/connection_info/data/device_path").asText()).endsWith("volume-" + volume);
        detach(attachment);
    }

    @Test
    void exportsSurviveARestart() throws Exception {
        String volume = createVolume();
        JsonNode attachment = attach(volume, "compute-1", "rw");
        complete(attachment);
        String uri = attachment.at("/connection_info/data/uri").asText();
        restartServer();
        String again = http.get("/v3/demo/attachments/" + attachment.get("id").asText()).body().at("/attachment/connection_info/data/export_name").asText();
        assertThat(again).isEqualTo(attachment.at("/connection_info/data/export_name").asText());
        assertThat(run("qemu-img", "info", uri.replaceFirst(":\\d+/", ":" + server.nbdPort() + "/"))).contains("virtual size: 1 GiB");
        detach(attachment);
    }

    @Test
    void anIncrementalReadsOnlyWhatChangedThroughNbd() throws IOException {
        String volume = createVolume();
        writeRemotely(volume, 0, 300 * MIB);
        String full = backup(volume, false);
        assertThat(bytesRead(full)).as("the first backup reads the data (holes skipped)").isGreaterThan(0);

        writeRemotely(volume, 10 * MIB + 5, 700 * MIB);
        String incremental = backup(volume, true);
        // Two 4 KiB writes in two 128 KiB granules: the engine reads those granules (in whole blocks) and nothing else.
        assertThat(bytesRead(incremental)).isBetween(2L * 4096, 2L * 256 * 1024);
        assertRestoresIdentically(incremental, volume);
    }

    private void assertRestoresIdentically(String backup, String volume) throws IOException {
        Http.Response restored = http.post("/v3/demo/backups/" + backup + "/restore", "{\"restore\": {\"name\": \"copy\"}}");
        assertThat(restored.status()).as(restored.body().toString()).isEqualTo(202);
        String target = restored.body().at("/restore/volume_id").asText();
        awaitVolume(target, "available");
        http.await("/v3/demo/backups/" + backup, b -> b.at("/backup/status").asText().equals("available"), WAIT);
        assertThat(Files.mismatch(volumeFile(volume), volumeFile(target))).isEqualTo(-1);
    }

    /** Each way around the map: the next incremental reads the whole volume's data, and is complete. */
    private void assertNextIncrementalReadsEverything(String volume, long dataBytes) throws IOException {
        String incremental = backup(volume, true);
        assertThat(bytesRead(incremental)).isGreaterThanOrEqualTo(dataBytes);
        assertRestoresIdentically(incremental, volume);
    }

    private String volumeWithBase() throws IOException {
        String volume = createVolume();
        // 3 MiB of data, so that reading everything is far more than one granule.
        JsonNode attachment = attach(volume, "compute-1", "rw");
        try (NbdClient client = connect(attachment)) {
            byte[] data = new byte[3 * MIB];
            new Random(1).nextBytes(data);
            client.write(ByteBuffer.wrap(data), 100 * MIB, false);
        }
        detach(attachment);
        awaitVolume(volume, "available");
        backup(volume, false);
        return volume;
    }

    /** Writes a few bytes into the volume file directly, as something other than the service would. */
    private void writeOutside(String volume, long offset) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(volumeFile(volume).toFile(), "rw")) {
            file.seek(offset);
            file.write(new byte[] {1, 2, 3});
        }
    }

    @Test
    void aChangeOutsideTheServiceMakesTheNextIncrementalReadEverything() throws IOException {
        String volume = volumeWithBase();
        writeOutside(volume, 500 * MIB);
        assertNextIncrementalReadsEverything(volume, 3 * MIB);
    }

    @Test
    void aCrashWhileExportedMakesTheNextIncrementalReadEverything() throws IOException {
        String volume = volumeWithBase();
        JsonNode attachment = attach(volume, "compute-1", "rw");
        complete(attachment);
        try (NbdClient client = connect(attachment)) {
            client.write(ByteBuffer.wrap(new byte[] {9}), 600 * MIB, false);
        }
        // The process dies while the export is open: its map file stays as it is now, open for writing.
        Path map = dir.resolve("state/volumes/volume-" + volume + ".dirty");
        Path atCrash = dir.resolve("map-at-crash");
        Files.copy(map, atCrash);
        server.close();
        Files.copy(atCrash, map, StandardCopyOption.REPLACE_EXISTING);
        startServer();
        detach(attachment);
        awaitVolume(volume, "available");
        assertNextIncrementalReadsEverything(volume, 3 * MIB);
    }

    @Test
    void aRestoreOntoTheVolumeMakesTheNextIncrementalReadEverything() throws IOException {
        String volume = volumeWithBase();
        String base = http.get("/v3/demo/backups/detail").body().at("/backups/0/id").asText();
        writeRemotely(volume, 50 * MIB);
        Http.Response restored = http.post("/v3/demo/backups/" + base + "/restore", "{\"restore\": {\"volume_id\": \"" + volume + "\"}}");
        assertThat(restored.status()).as(restored.body().toString()).isEqualTo(202);
        // The volume becomes available before its backup does (cinder's order); an incremental needs the backup back.
        http.await("/v3/demo/backups/" + base, b -> b.at("/backup/status").asText().equals("available"), WAIT);
        awaitVolume(volume, "available");
        assertNextIncrementalReadsEverything(volume, 3 * MIB);
    }

    @Test
    void aChangeOutsideTheServiceIsNotForgottenByALaterAttachment() throws IOException {
        String volume = volumeWithBase();
        writeOutside(volume, 500 * MIB);
        // A writer opening and closing saves the map with the file as it is then: the outside change must not vanish.
        writeRemotely(volume, 600 * MIB);
        assertNextIncrementalReadsEverything(volume, 3 * MIB);
    }

    @Test
    void aSnapshotRevertMakesTheNextIncrementalReadEverything() throws IOException {
        String volume = volumeWithBase();
        Http.Response snapshotted = http.post("/v3/demo/snapshots", "{\"snapshot\": {\"volume_id\": \"" + volume + "\"}}");
        assertThat(snapshotted.status()).as(snapshotted.body().toString()).isEqualTo(202);
        String snapshot = snapshotted.body().at("/snapshot/id").asText();
        http.await("/v3/demo/snapshots/" + snapshot, b -> b.at("/snapshot/status").asText().equals("available"), WAIT);
        // Data the snapshot lacks, backed up: the map's base has it, and the revert takes it away again.
        writeRemotely(volume, 200 * MIB);
        String withData = backup(volume, true);
        assertThat(bytesRead(withData)).as("without an invalidating event only the changed granule is read").isLessThan(MIB);

        Http.Response reverted = http.post("/v3/demo/volumes/" + volume + "/action", "{\"revert\": {\"snapshot_id\": \"" + snapshot + "\"}}");
        assertThat(reverted.status()).as(reverted.body().toString()).isEqualTo(202);
        awaitVolume(volume, "available");
        http.await("/v3/demo/snapshots/" + snapshot, b -> b.at("/snapshot/status").asText().equals("available"), WAIT);
        assertThat(Files.mismatch(volumeFile(volume), dir.resolve("state/volumes/snapshot-" + snapshot))).isEqualTo(-1);
        // The instance attaches again; the incremental after that still reads everything (and so has no 200 MiB data).
        detach(attach(volume, "compute-1", "rw"));
        awaitVolume(volume, "available");
        assertNextIncrementalReadsEverything(volume, 3 * MIB);
    }

    @Test
    void aLocalAttachmentMakesTheNextIncrementalReadEverything() throws IOException {
        String volume = volumeWithBase();
        JsonNode local = attach(volume, "volume-host", "rw");
        try (RandomAccessFile file = new RandomAccessFile(local.at("/connection_info/data/device_path").asText(), "rw")) {
            file.seek(900 * MIB);
            file.write(7);
        }
        detach(local);
        awaitVolume(volume, "available");
        assertNextIncrementalReadsEverything(volume, 3 * MIB);
    }

    @Test
    void anIncrementalOnAnotherParentThanTheMapsBaseReadsEverything() throws IOException {
        String volume = volumeWithBase();
        String second = backup(volume, true);
        writeRemotely(volume, 20 * MIB);
        // The map is relative to the newest backup; with it gone, the parent is the older one.
        assertThat(http.delete("/v3/demo/backups/" + second).status()).isEqualTo(202);
        http.await("/v3/demo/backups/" + second, b -> b.has("itemNotFound"), WAIT);
        assertNextIncrementalReadsEverything(volume, 3 * MIB);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + ": exit " + process.exitValue() + ": " + output);
        }
        return output;
    }
}
