package io.hearth.engine.target;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code file:///path} and plain paths: a local directory or a mounted share (an NFS mount included). */
public final class PosixTargetFactory implements TargetFactory {
    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public List<String> cinderDrivers() {
        return List.of("cinder.backup.drivers.posix.PosixBackupDriver", "cinder.backup.drivers.posix", "posix");
    }

    @Override
    public TargetLocation locationFromOptions(TargetOptions options) {
        return TargetLocation.parse(options.required("backup_posix_path", "the directory to keep backups in"));
    }

    @Override
    public BackupTarget open(TargetLocation location, TargetOptions options, TargetErrorListener errors) throws IOException {
        PosixTarget target = new PosixTarget(Path.of(location.path()), true);
        // Local writes fail for good or not at all: the retry layer (one try) is there only to count the failures.
        return errors == TargetErrorListener.NONE ? target : new RetryingTarget(target, RetryPolicy.none(), errors);
    }
}
