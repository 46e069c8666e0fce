package io.hearth.target.s3;

import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargetContract;
import io.hearth.engine.target.BackupTargets;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared target contract against S3Proxy, each test in a bucket of its own, under a prefix. */
@ExtendWith({S3ProxyExtension.class, NotRunOnS3Proxy.class})
class S3TargetContractTest extends BackupTargetContract {
    private final S3ProxyServer server;
    private String url;

    // Through the constructor: the contract opens the target in its own @BeforeEach, which runs before ours would.
    S3TargetContractTest(S3ProxyServer server) {
        this.server = server;
    }

    @Override
    protected BackupTarget openEmptyTarget() throws IOException {
        url = "s3://" + server.createBucket() + "/repo/one";
        return BackupTargets.installed().open(url, server.options());
    }

    @Override
    protected BackupTarget reopen() throws IOException {
        return BackupTargets.installed().open(url, server.options());
    }

    @Override
    protected List<String> secrets() {
        return List.of(server.secretKey(), server.accessKey());
    }
}
