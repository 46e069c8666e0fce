package io.hearth.target.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetLocation;
import io.hearth.engine.target.TargetOptions;
import io.hearth.engine.target.TransientTargetException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the contract does not cover: multipart create-once, leftovers of dead writers, and wrong settings. */
@ExtendWith(S3ProxyExtension.class)
class S3TargetTest {
    private final S3ProxyServer server;

    S3TargetTest(S3ProxyServer server) {
        this.server = server;
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] read(BackupTarget target, String key) throws IOException {
        try (InputStream in = target.get(key)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aMultipartCreateNeverOverwritesAndLeavesNoUploadBehind() throws IOException {
        TargetOptions options = server.options().with("backup_s3_multipart_threshold", String.valueOf(S3Settings.PART_SIZE));
        try (BackupTarget target = BackupTargets.installed().open("s3://" + server.createBucket() + "/p", options);
                S3Clients.Clients raw = S3Clients.build(S3Settings.from(options))) {
            byte[] first = random(S3Settings.PART_SIZE * 2 + 3, 1);
            assertThat(target.putIfAbsent("packs/big", ByteBuffer.wrap(first))).isTrue();
            assertThat(target.putIfAbsent("packs/big", ByteBuffer.wrap(random(S3Settings.PART_SIZE + 1, 2)))).isFalse();
            assertThat(read(target, "packs/big")).isEqualTo(first);
            String bucket = target.properties().location().substring(5, target.properties().location().indexOf('/', 5));
            assertThat(raw.s3().listMultipartUploads(b -> b.bucket(bucket)).uploads())
                    .as("the refused upload was aborted").isEmpty();
        }
    }

    @Test
    void uploadsThatDeadWritersLeftAreRemovedOnlyWhenOldEnoughAndOnlyUnderThePrefix() throws IOException {
        String bucket = server.createBucket();
        try (BackupTarget target = BackupTargets.installed().open("s3://" + bucket + "/repo", server.options());
                S3Clients.Clients raw = S3Clients.build(S3Settings.from(server.options()))) {
            raw.s3().createMultipartUpload(b -> b.bucket(bucket).key("repo/data/00/half"));
            raw.s3().createMultipartUpload(b -> b.bucket(bucket).key("other/data/00/half"));
            target.putIfAbsent("data/00/whole", ByteBuffer.wrap("whole".getBytes(StandardCharsets.UTF_8)));

            assertThat(target.removeAbandonedUploads("data/", Instant.now().minus(Duration.ofHours(1))))
                    .as("too recent: it may belong to a live writer").isZero();
            assertThat(target.removeAbandonedUploads("data/", Instant.now().plus(Duration.ofMinutes(1)))).isEqualTo(1);
            assertThat(raw.s3().listMultipartUploads(b -> b.bucket(bucket)).uploads())
                    .singleElement().satisfies(upload -> assertThat(upload.key()).isEqualTo("other/data/00/half"));
            assertThat(read(target, "data/00/whole")).asString().isEqualTo("whole");
        }
    }

    @Test
    void aMissingBucketIsNotFoundAndNamesTheOption() throws IOException {
        assertThatThrownBy(() -> BackupTargets.installed().open("s3://no-such-bucket-here/repo", server.options()))
                .isInstanceOfSatisfying(HearthException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.NOT_FOUND))
                .hasMessageContaining("no-such-bucket-here")
                .hasMessageContaining("backup_s3_store_bucket")
                .hasMessageContaining(server.endpoint());
        assertThat(server.bucketExists("no-such-bucket-here")).as("opening creates no bucket").isFalse();
    }

    @Test
    void refusedCredentialsNameTheOptionsAndNeverTheSecret() throws IOException {
        String bucket = server.createBucket();
        String wrongSecret = "wrong-secret-" + System.nanoTime();
        TargetOptions wrong = server.options().with("backup_s3_store_secret_key", wrongSecret);
        assertThatThrownBy(() -> BackupTargets.installed().open("s3://" + bucket, wrong))
                .isInstanceOfSatisfying(HearthException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.BAD_INPUT))
                .hasMessageContaining("backup_s3_store_secret_key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrongSecret).doesNotContain(server.secretKey()));

        TargetOptions unknownKey = server.options().with("backup_s3_store_access_key", "nobody");
        assertThatThrownBy(() -> BackupTargets.installed().open("s3://" + bucket, unknownKey))
                .isInstanceOf(HearthException.class)
                .hasMessageContaining("refused the credentials");
        // Nothing was written with them.
        try (BackupTarget target = BackupTargets.installed().open("s3://" + bucket, server.options());
                Stream<?> listing = target.list("")) {
            assertThat(listing.count()).isZero();
        }
    }

    @Test
    void anUnreachableServerIsTransientAndRetriedThenReported() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TargetOptions options = server.options().with("backup_s3_endpoint_url", "http://127.0.0.1:" + closedPort)
                .with("backup_s3_retry_max_attempts", "1");
        long started = System.nanoTime();
        assertThatThrownBy(() -> BackupTargets.installed().open("s3://bucket", options))
                .isInstanceOf(TransientTargetException.class)
                .hasMessageContaining("cannot reach http://127.0.0.1:" + closedPort);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("one retry after a short backoff").isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void missingAndUnsupportedOptionsAreBadInputNamingThem() {
        TargetOptions noKeys = new TargetOptions(java.util.Map.of("backup_s3_endpoint_url", server.endpoint()));
        assertThatThrownBy(() -> BackupTargets.installed().open("s3://bucket", noKeys))
                .isInstanceOf(HearthException.class).hasMessageContaining("BACKUP_S3_STORE_ACCESS_KEY");
        assertThatThrownBy(() -> BackupTargets.installed().open("s3://bucket",
                server.options().with("backup_s3_sse_customer_key", "k")))
                .isInstanceOf(HearthException.class).hasMessageContaining("backup_s3_sse_customer_key");
        assertThatThrownBy(() -> BackupTargets.installed().open("s3://bucket",
                server.options().with("backup_s3_endpoint_url", "ftp://host")))
                .isInstanceOf(HearthException.class).hasMessageContaining("backup_s3_endpoint_url");
        assertThatThrownBy(() -> BackupTargets.installed().open("s3://bucket",
                server.options().with("backup_s3_retry_mode", "eager")))
                .isInstanceOf(HearthException.class).hasMessageContaining("backup_s3_retry_mode");
    }

    @Test
    void cinderDriverOptionsNameTheBucketAndThePrefix() {
        BackupTargets targets = BackupTargets.installed();
        assertThat(targets.locationForDriver("cinder.backup.drivers.s3.S3BackupDriver", TargetOptions.none()))
                .isEqualTo(new TargetLocation("s3", "volumebackups", ""));
        assertThat(targets.locationForDriver("cinder.backup.drivers.s3", new TargetOptions(java.util.Map.of(
                "backup_s3_store_bucket", "backups", "backup_s3_prefix", "site-a"))))
                .isEqualTo(new TargetLocation("s3", "backups", "site-a"));
    }
}
