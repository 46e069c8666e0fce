package io.hearth.service.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.nbd.NbdClient;
import io.hearth.service.Http;
import io.hearth.service.SelfSignedCertificate;
import io.hearth.service.backup.RepositoryBackupEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup service on a host of its own ("vault": its own state directory, no volume files) backs up and restores the
 * volumes of volume host "east" through NBD exports east makes for each backup and restore, over the real RabbitMQ
 * and the real engine. East's own count of bytes sent to READs shows what vault read: the written data, not the
 * volume's holes, and for an incremental only what the changed-block map says changed.
 */
class RemoteBackupHostTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private TestCluster cluster;
    private Http http;
    private HearthServer east;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    private void startCluster(List<String> eastOptions, List<String> vaultOptions) throws Exception {
        cluster = new TestCluster();
        east = start("east", EnumSet.of(Role.VOLUME), eastOptions);
        start("vault", EnumSet.of(Role.BACKUP), vaultOptions);
        http = TestCluster.client(start("api-1", EnumSet.of(Role.API, Role.SCHEDULER), List.of()));
    }

    private HearthServer start(String host, EnumSet<Role> roles, List<String> options) throws Exception {
        List<String> lines = cluster.defaults(host, dir.resolve(host), 10);
        lines.addAll(List.of("quota_volumes = 100", "quota_gigabytes = -1", "quota_snapshots = 100", "quota_backups = 100",
                "quota_backup_gigabytes = -1", "backup_posix_path = " + dir.resolve(host).resolve("backups")));
        lines.addAll(options);
        lines.addAll(List.of("[database]",
                "connection = jdbc:h2:file:" + dir.resolve("shared/hearth") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"));
        return cluster.start(lines, roles, c -> RepositoryBackupEngine.open(c.backupTarget(), "zstd", c.statePath().resolve("cache")));
    }

    private Path volumeFile(String id) {
        return dir.resolve("east").resolve("volumes").resolve("volume-" + id);
    }

    private String createVolume() {
        Http.Response created = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        String id = created.body().at("/volume/id").asText();
        awaitVolume(id, "available");
        return id;
    }

    private JsonNode awaitVolume(String id, String status) {
        return http.await("/v3/demo/volumes/" + id, b -> b.at("/volume/status").asText().equals(status), WAIT).get("volume");
    }

    private JsonNode attach(String volume) {
        Http.Response attached = http.post("/v3/demo/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volume
                + "\", \"mode\": \"rw\", \"connector\": {\"host\": \"compute-1\"}}}");
        assertThat(attached.status()).as(attached.body().toString()).isEqualTo(200);
        return attached.body().get("attachment");
    }

    /** Writes {@code length} random bytes at {@code offset} through an NBD attachment, then detaches. */
    private void writeThroughNbd(String volume, long offset, int length, long seed) throws IOException {
        JsonNode attachment = attach(volume);
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        try (NbdClient client = NbdClient.connect(NbdClient.Target.parse(attachment.at("/connection_info/data/uri").asText()), WAIT)) {
            client.write(ByteBuffer.wrap(data), offset, false);
            client.flush();
        }
        assertThat(http.delete("/v3/demo/attachments/" + attachment.get("id").asText()).status()).isEqualTo(200);
        awaitVolume(volume, "available");
    }

    private JsonNode backup(String volume, String options) {
        Http.Response created = http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\"" + options + "}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        String id = created.body().at("/backup/id").asText();
        return http.await("/v3/demo/backups/" + id, b -> !b.at("/backup/status").asText().equals("creating"), WAIT).get("backup");
    }

    private String restore(String backup, String body) {
        Http.Response restore = http.post("/v3/demo/backups/" + backup + "/restore", body);
        assertThat(restore.status()).as(restore.body().toString()).isEqualTo(202);
        String volume = restore.body().at("/restore/volume_id").asText();
        http.await("/v3/demo/backups/" + backup, b -> b.at("/backup/status").asText().equals("available"), WAIT);
        awaitVolume(volume, "available");
        return volume;
    }

    private static long allocatedBytes(Path file) throws Exception {
        Process du = new ProcessBuilder("du", "--block-size=1", file.toString()).redirectErrorStream(true).start();
        String output = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(du.waitFor()).as(output).isZero();
        return Long.parseLong(output.split("\\s+")[0]);
    }

    private List<Path> filesUnder(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aBackupHostOfItsOwnBacksUpAndRestoresThroughNbdReadingOnlyDataAndThenOnlyChanges() throws Exception {
        startCluster(List.of(), List.of());
        String volume = createVolume();
        writeThroughNbd(volume, 64L * MIB, 3 * MIB, 1);
        writeThroughNbd(volume, 512L * MIB, MIB, 2);

        long before = east.nbdBytesRead();
        JsonNode full = backup(volume, "");
        assertThat(full.get("status").asText()).as(full.toString()).isEqualTo("available");
        long fullRead = east.nbdBytesRead() - before;
        // 4 MiB written into a 1 GiB sparse volume: BLOCK_STATUS keeps vault off the holes.
        assertThat(fullRead).as("bytes east sent for the full backup").isBetween(4L * MIB, 8L * MIB);
        assertThat(east.nbdDeviceExports()).as("the backup's export ends with the backup").isZero();
        assertThat(filesUnder(dir.resolve("vault").resolve("volumes"))).as("nothing staged on the backup host").isEmpty();
        assertThat(filesUnder(dir.resolve("vault").resolve("backups"))).as("the repository is vault's").isNotEmpty();

        writeThroughNbd(volume, 800L * MIB, MIB, 3);
        before = east.nbdBytesRead();
        JsonNode incremental = backup(volume, ", \"incremental\": true");
        assertThat(incremental.get("status").asText()).as(incremental.toString()).isEqualTo("available");
        assertThat(incremental.get("is_incremental").asBoolean()).isTrue();
        long incrementalRead = east.nbdBytesRead() - before;
        // The changed-block map travels with the device: only the changed megabyte (granule-rounded) is read.
        assertThat(incrementalRead).as("bytes east sent for the incremental").isBetween((long) MIB, 2L * MIB);

        // To a new volume: byte-identical to the volume, sparse, nothing staged on vault.
        String copy = restore(incremental.get("id").asText(), "{\"restore\": {}}");
        assertThat(Files.mismatch(volumeFile(copy), volumeFile(volume))).isEqualTo(-1);
        assertThat(allocatedBytes(volumeFile(copy))).as("zero runs stay holes").isLessThan(16L * MIB);
        assertThat(filesUnder(dir.resolve("vault").resolve("volumes"))).isEmpty();

        // Onto an existing volume holding other data: none of it shows through.
        String existing = createVolume();
        writeThroughNbd(existing, 900L * MIB, 2 * MIB, 4);
        restore(incremental.get("id").asText(), "{\"restore\": {\"volume_id\": \"" + existing + "\"}}");
        assertThat(Files.mismatch(volumeFile(existing), volumeFile(volume))).isEqualTo(-1);
        assertThat(east.nbdDeviceExports()).as("the restores' exports end with them").isZero();
    }

    @Test
    void aForcedBackupOfAnInUseVolumeReadsItsTemporarySnapshotOverNbd() throws Exception {
        startCluster(List.of(), List.of());
        String volume = createVolume();
        writeThroughNbd(volume, 0, 2 * MIB, 5);
        JsonNode attachment = attach(volume);
        assertThat(http.post("/v3/demo/attachments/" + attachment.get("id").asText() + "/action", "{\"os-complete\": null}").status())
                .isEqualTo(204);
        awaitVolume(volume, "in-use");

        long before = east.nbdBytesRead();
        JsonNode forced = backup(volume, ", \"force\": true");
        assertThat(forced.get("status").asText()).as(forced.toString()).isEqualTo("available");
        assertThat(east.nbdBytesRead() - before).as("the backup host read the snapshot's 2 MiB of data through the volume host's export")
                .isBetween(2L * MIB, 4L * MIB);
        assertThat(awaitVolume(volume, "in-use").get("status").asText()).isEqualTo("in-use");
        assertThat(filesUnder(dir.resolve("east").resolve("snapshots"))).as("the temporary snapshot is gone").isEmpty();
        assertThat(east.nbdDeviceExports()).isZero();

        String copy = restore(forced.get("id").asText(), "{\"restore\": {}}");
        assertThat(Files.mismatch(volumeFile(copy), volumeFile(volume))).isEqualTo(-1);
        assertThat(http.delete("/v3/demo/attachments/" + attachment.get("id").asText()).status()).isEqualTo(200);
    }

    @Test
    void aTlsExportTheBackupHostDoesNotTrustFailsTheBackupCleanlyAndTheConfiguredCaMakesItWork() throws Exception {
        // One self-signed certificate for 127.0.0.1: east's key, and the CA a trusting backup host is given.
        SelfSignedCertificate certificate = SelfSignedCertificate.in(dir.resolve("certs"));
        List<String> tls = List.of("nbd_tls_keystore = " + certificate.keystore(), "nbd_tls_keystore_password = pw");

        // vault trusts only the JDK's CAs: the TLS handshake fails, the backup ends in error, the volume is available
        // again and east serves nothing for it.
        startCluster(tls, List.of());
        String volume = createVolume();
        Files.write(volumeFile(volume), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.WRITE);
        JsonNode refused = backup(volume, "");
        assertThat(refused.get("status").asText()).as(refused.toString()).isEqualTo("error");
        assertThat(refused.get("fail_reason").asText()).isNotBlank();
        assertThat(awaitVolume(volume, "available").get("status").asText()).isEqualTo("available");
        assertThat(east.nbdDeviceExports()).isZero();
        stop();

        // With nbd_tls_ca_file naming east's CA, the same volume backs up and restores over TLS.
        startCluster(tls, List.of("nbd_tls_ca_file = " + certificate.caCertificate()));
        JsonNode trusted = backup(volume, "");
        assertThat(trusted.get("status").asText()).as(trusted.toString()).isEqualTo("available");
        String copy = restore(trusted.get("id").asText(), "{\"restore\": {}}");
        assertThat(Files.mismatch(volumeFile(copy), volumeFile(volume))).isEqualTo(-1);
        assertThat(east.nbdDeviceExports()).isZero();
    }
}
