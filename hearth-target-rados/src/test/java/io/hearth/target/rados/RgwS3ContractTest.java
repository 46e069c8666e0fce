package io.hearth.target.rados;

import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargetContract;
import io.hearth.engine.target.BackupTargets;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The s3 target's contract against Ceph's RGW (the same test cluster): unlike S3Proxy, RGW decides
 * {@code If-None-Match: *} atomically, so the concurrent-creators test runs here too.
 */
@ExtendWith(NotRunOnRgw.class)
class RgwS3ContractTest extends BackupTargetContract {
    private String url;

    @Override
    protected BackupTarget openEmptyTarget() throws IOException {
        // ceph.sh makes the bucket; each test gets a prefix of its own.
        url = "s3://hearth/contract-" + UUID.randomUUID();
        return reopen();
    }

    @Override
    protected BackupTarget reopen() throws IOException {
        return BackupTargets.installed().open(url, CephServer.options());
    }

    @Override
    protected List<String> secrets() {
        return List.of(CephServer.options().get("backup_s3_store_secret_key").orElseThrow());
    }
}
