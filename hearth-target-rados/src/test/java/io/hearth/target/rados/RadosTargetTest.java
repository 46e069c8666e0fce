package io.hearth.target.rados;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the contract does not cover: wrong settings fail at open with the option to fix, and the size limit. */
class RadosTargetTest {
    @TempDir
    Path dir;

    private static String url() {
        return "rados://backups/t-" + UUID.randomUUID();
    }

    /** The test cluster's configuration with {@code extra} lines added to [global]. */
    private TargetOptions withConf(String... extra) throws IOException {
        TargetOptions options = CephServer.options();
        String conf = Files.readString(Path.of(options.get("backup_ceph_conf").orElseThrow()));
        Path copy = dir.resolve("ceph.conf");
        Files.writeString(copy, conf.replace("[global]\n", "[global]\n" + String.join("\n", extra) + "\n"));
        return options.with("backup_ceph_conf", copy.toString());
    }

    @Test
    void aPoolThatDoesNotExistIsNamedWithTheOptionToFix() {
        assertThatThrownBy(() -> BackupTargets.installed().open("rados://no-such-pool/repo", CephServer.options()))
                .isInstanceOf(HearthException.class)
                .satisfies(e -> assertThat(((HearthException) e).category()).isEqualTo(ErrorCategory.BAD_INPUT))
                .hasMessageContaining("no pool 'no-such-pool'").hasMessageContaining("backup_ceph_pool");
    }

    @Test
    void anUnreachableMonitorFailsWithinTheConnectTimeout() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path conf = dir.resolve("nowhere.conf");
        Files.writeString(conf, "[global]\nmon host = v1:127.0.0.1:" + closedPort + "\nauth client required = none\n");
        TargetOptions options = new TargetOptions(java.util.Map.of("backup_ceph_conf", conf.toString(),
                "rados_connect_timeout", "2"));
        Instant start = Instant.now();
        assertThatThrownBy(() -> BackupTargets.installed().open(url(), options)).isInstanceOf(IOException.class)
                .hasMessageContaining("no Ceph monitor").hasMessageContaining(conf.toString())
                .hasMessageContaining("rados_connect_timeout");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aMissingConfigurationFileIsNamed() {
        TargetOptions options = new TargetOptions(java.util.Map.of("backup_ceph_conf", dir.resolve("absent.conf").toString()));
        assertThatThrownBy(() -> BackupTargets.installed().open(url(), options)).isInstanceOf(HearthException.class)
                .hasMessageContaining("absent.conf").hasMessageContaining("backup_ceph_conf");
    }

    @Test
    void badNamesAreRefusedBeforeConnecting() {
        TargetOptions options = new TargetOptions(java.util.Map.of("backup_ceph_user", "client.admin x"));
        assertThatThrownBy(() -> BackupTargets.installed().open(url(), options)).isInstanceOf(HearthException.class)
                .hasMessageContaining("backup_ceph_user");
        assertThatThrownBy(() -> BackupTargets.installed().open("rados://bad%20pool/repo", TargetOptions.none()))
                .isInstanceOf(HearthException.class).hasMessageContaining("pool");
    }

    @Test
    void objectsAboveTheClusterLimitAreRefusedAndNothingIsWritten() throws IOException {
        // osd_max_write_size is in MiB, at least 4: a 4 MiB ceiling this client reads from the configuration.
        try (BackupTarget target = BackupTargets.installed().open(url(), withConf("osd max write size = 4"))) {
            assertThat(target.putIfAbsent("packs/fits", ByteBuffer.allocate(4 << 20))).isTrue();
            assertThatThrownBy(() -> target.putIfAbsent("packs/big", ByteBuffer.allocate((4 << 20) + 1)))
                    .isInstanceOf(IOException.class).hasMessageContaining("4194305 bytes")
                    .hasMessageContaining("osd_max_object_size").hasMessageContaining("pack size");
            assertThat(target.stat("packs/big")).isEmpty();
        }
    }

    @Test
    void cinderDriverOptionsGiveThePoolAndPrefix() {
        BackupTargets targets = BackupTargets.installed();
        assertThat(targets.locationForDriver("cinder.backup.drivers.ceph.CephBackupDriver", TargetOptions.none()))
                .hasToString("rados://backups");
        assertThat(targets.locationForDriver("cinder.backup.drivers.ceph", new TargetOptions(java.util.Map.of(
                "backup_ceph_pool", "volumes-backup", "backup_ceph_prefix", "site-a")))).hasToString("rados://volumes-backup/site-a");
    }

    @Test
    void aClosedTargetRefusesRequestsInsteadOfTouchingFreedMemory() throws IOException {
        BackupTarget target = BackupTargets.installed().open(url(), CephServer.options());
        target.close();
        assertThatThrownBy(() -> target.stat("config")).isInstanceOf(IOException.class).hasMessageContaining("closed");
        target.close();
    }
}
