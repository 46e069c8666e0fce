package io.hearth.target.nfs;

import io.hearth.service.TargetRoundTrip;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service, configured as cinder's NFS driver, backs a volume up to nfs-ganesha without a mount and restores it. */
class NfsServiceRoundTripTest {
    @TempDir
    Path state;

    @Test
    void fullAndIncrementalBackupsThroughNfsRestoreByteForByte() throws IOException {
        List<String> lines = new ArrayList<>(List.of("backup_driver = cinder.backup.drivers.nfs.NFSBackupDriver",
                "backup_container = e2e-" + UUID.randomUUID()));
        NfsTargetContractTest.SERVER.options().values().forEach((name, value) -> lines.add(name + " = " + value));
        TargetRoundTrip.backUpAndRestore(state, lines);
    }
}
