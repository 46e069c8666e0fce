package io.hearth.target.rados;

import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargetContract;
import io.hearth.engine.target.BackupTargets;
import java.io.IOException;
import java.util.UUID;

/** The shared contract against a real single-node Ceph (mon, mgr, one BlueStore OSD from Debian) over librados. */
class RadosTargetContractTest extends BackupTargetContract {
    private String url;

    @Override
    protected BackupTarget openEmptyTarget() throws IOException {
        // A new namespace per test in the one pool.
        url = "rados://backups/contract-" + UUID.randomUUID();
        return reopen();
    }

    @Override
    protected BackupTarget reopen() throws IOException {
        return BackupTargets.installed().open(url, CephServer.options());
    }
}
