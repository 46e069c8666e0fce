package io.hearth.target.nfs;

import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargetContract;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetServerScript;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/** The shared contract against nfs-ganesha (Debian) exporting a directory on loopback, reached without a mount. */
class NfsTargetContractTest extends BackupTargetContract {
    static final TargetServerScript SERVER = new TargetServerScript("nfs", Path.of(".."));

    private String url;

    @Override
    protected BackupTarget openEmptyTarget() throws IOException {
        SERVER.options();
        // A new directory of the export per test.
        url = "nfs://127.0.0.1/hearth/contract-" + UUID.randomUUID();
        return reopen();
    }

    @Override
    protected BackupTarget reopen() throws IOException {
        return BackupTargets.installed().open(url, SERVER.options());
    }
}
