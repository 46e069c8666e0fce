package io.hearth.target.swift;

import io.hearth.engine.target.TargetOptions;
import io.hearth.service.TargetRoundTrip;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service, configured as cinder's Swift driver, backs a volume up to the real Swift and restores it. */
class SwiftServiceRoundTripTest {
    @TempDir
    Path state;

    @Test
    void fullAndIncrementalBackupsThroughSwiftRestoreByteForByte() throws IOException {
        TargetOptions options = SwiftServer.options();
        List<String> lines = new ArrayList<>(List.of("backup_driver = cinder.backup.drivers.swift.SwiftBackupDriver",
                "backup_swift_container = e2e-" + UUID.randomUUID()));
        options.values().forEach((name, value) -> lines.add(name + " = " + value));
        TargetRoundTrip.backUpAndRestore(state, lines);
    }
}
