package io.hearth.engine.target;

import java.io.IOException;
import java.nio.file.Path;

class PosixTargetContractTest extends BackupTargetContract {
    private Path root() {
        return workDir.resolve("target");
    }

    @Override
    protected BackupTarget openEmptyTarget() throws IOException {
        return new PosixTarget(root(), true);
    }

    @Override
    protected BackupTarget reopen() throws IOException {
        return BackupTargets.installed().open(root().toUri().toString(), TargetOptions.none());
    }
}
