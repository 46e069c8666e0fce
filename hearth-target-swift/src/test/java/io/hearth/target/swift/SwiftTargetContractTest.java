package io.hearth.target.swift;

import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargetContract;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/** The shared contract against a real Swift (proxy, account, container and object servers from Debian) on loopback. */
class SwiftTargetContractTest extends BackupTargetContract {
    private String url;

    @Override
    protected BackupTarget openEmptyTarget() throws IOException {
        // A new container per test, created by the target itself, with a prefix inside it.
        url = "swift://contract-" + UUID.randomUUID() + "/repo";
        return reopen();
    }

    @Override
    protected BackupTarget reopen() throws IOException {
        return BackupTargets.installed().open(url, SwiftServer.options());
    }

    @Override
    protected List<String> secrets() {
        TargetOptions options = SwiftServer.options();
        return List.of(options.get("backup_swift_key").orElseThrow());
    }
}
