package io.hearth.target.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.ObjectInfo;
import io.hearth.service.Http;
import io.hearth.service.backup.RepositoryBackupEngine;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service with cinder's {@code backup_driver = cinder.backup.drivers.s3.S3BackupDriver}, over the Cinder API:
 * a volume with data backed up in full, changed, backed up incrementally, restored to a new volume, bit for bit.
 */
@ExtendWith(S3ProxyExtension.class)
class S3ServiceEndToEndTest {
    private static final Duration WAIT = Duration.ofMinutes(3);

    private final S3ProxyServer s3;

    @TempDir
    Path dir;

    S3ServiceEndToEndTest(S3ProxyServer s3) {
        this.s3 = s3;
    }

    private static void write(Path volume, long offset, int length, long seed) throws IOException {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        try (RandomAccessFile file = new RandomAccessFile(volume.toFile(), "rw")) {
            file.seek(offset);
            file.write(data);
        }
    }

    @Test
    void fullAndIncrementalBackupsThroughS3RestoreToANewVolumeBitForBit() throws IOException {
        String bucket = s3.createBucket();
        Path state = dir.resolve("state");
        HearthConfig config = HearthConfig.from(IniFile.parse(List.of("[DEFAULT]",
                "state_path = " + state,
                "osapi_volume_listen_port = 0",
                "host = e2e-s3",
                "backup_driver = cinder.backup.drivers.s3.S3BackupDriver",
                "backup_s3_endpoint_url = " + s3.endpoint(),
                "backup_s3_store_access_key = " + s3.accessKey(),
                "backup_s3_store_secret_key = " + s3.secretKey(),
                "backup_s3_store_bucket = " + bucket,
                "backup_s3_prefix = cinder/backups"), "test"));
        try (HearthServer server = HearthServer.start(config, c -> RepositoryBackupEngine.open(c.backupTarget(),
                c.backupCompressionAlgorithm(), c.statePath().resolve("cache")))) {
            Http http = new Http("http://127.0.0.1:" + server.port(), "admin:demo", "3.71");
            String volume = createVolume(http);
            Path volumeFile = state.resolve("volumes/volume-" + volume);
            write(volumeFile, 0, 3 << 20, 1);
            write(volumeFile, 700L << 20, 1 << 20, 2);

            String full = backup(http, "{\"backup\": {\"volume_id\": \"" + volume + "\", \"name\": \"full\"}}");
            assertThat(awaitBackup(http, full).get("is_incremental").asBoolean()).isFalse();
            awaitVolume(http, volume);

            write(volumeFile, 1L << 20, 64 << 10, 3);
            write(volumeFile, 900L << 20, 2 << 20, 4);
            String incremental = backup(http, "{\"backup\": {\"volume_id\": \"" + volume + "\", \"incremental\": true}}");
            assertThat(awaitBackup(http, incremental).get("is_incremental").asBoolean()).isTrue();
            awaitVolume(http, volume);

            Http.Response restore = http.post("/v3/demo/backups/" + incremental + "/restore", "{\"restore\": {\"name\": \"copy\"}}");
            assertThat(restore.status()).as(restore.body().toString()).isEqualTo(202);
            String copy = restore.body().at("/restore/volume_id").asText();
            awaitVolume(http, copy);
            assertThat(Files.mismatch(volumeFile, state.resolve("volumes/volume-" + copy))).isEqualTo(-1L);
        }
        // The repository is in the bucket, under the configured prefix, and nothing is left half-uploaded.
        try (BackupTarget target = BackupTargets.installed().open("s3://" + bucket + "/cinder/backups", s3.options());
                Stream<ObjectInfo> listing = target.list("")) {
            Set<String> tops = listing.map(info -> info.key().split("/")[0]).collect(Collectors.toSet());
            assertThat(tops).contains("config", "packs", "index", "backups");
        }
    }

    private static String createVolume(Http http) {
        Http.Response created = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1, \"name\": \"v\"}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        String id = created.body().at("/volume/id").asText();
        awaitVolume(http, id);
        return id;
    }

    private static void awaitVolume(Http http, String id) {
        http.await("/v3/demo/volumes/" + id, b -> b.at("/volume/status").asText().equals("available"), WAIT);
    }

    private static String backup(Http http, String body) {
        Http.Response created = http.post("/v3/demo/backups", body);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        return created.body().at("/backup/id").asText();
    }

    private static JsonNode awaitBackup(Http http, String id) {
        JsonNode body = http.await("/v3/demo/backups/" + id,
                b -> List.of("available", "error").contains(b.at("/backup/status").asText()), WAIT).get("backup");
        assertThat(body.get("status").asText()).as(body.toString()).isEqualTo("available");
        return body;
    }
}
