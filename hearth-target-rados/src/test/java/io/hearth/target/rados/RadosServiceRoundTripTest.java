package io.hearth.target.rados;

import io.hearth.engine.target.TargetOptions;
import io.hearth.service.TargetRoundTrip;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service, configured as cinder's Ceph driver, backs a volume up to the real Ceph and restores it. */
class RadosServiceRoundTripTest {
    @TempDir
    Path state;

    @Test
    void fullAndIncrementalBackupsThroughRadosRestoreByteForByte() throws IOException {
        TargetOptions options = CephServer.options();
        List<String> lines = new ArrayList<>(List.of("backup_driver = cinder.backup.drivers.ceph.CephBackupDriver",
                "backup_ceph_pool = backups", "backup_ceph_prefix = e2e-" + UUID.randomUUID()));
        options.values().forEach((name, value) -> lines.add(name + " = " + value));
        TargetRoundTrip.backUpAndRestore(state, lines);
    }
}
