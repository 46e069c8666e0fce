package io.hearth.service.config;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetLocation;
import io.hearth.engine.target.TargetOptions;

/**
 * Where the backup service keeps its repository, as cinder.conf says it: {@code backup_driver} (cinder's driver class
 * names, or a Hearth target scheme such as {@code s3}) and that driver's options ({@code backup_posix_path},
 * {@code backup_s3_store_bucket}, {@code backup_swift_container}, …).
 */
public record BackupTargetConfig(String driver, TargetOptions options) {
    public static final String DEFAULT_DRIVER = "cinder.backup.drivers.posix.PosixBackupDriver";

    public BackupTargetConfig {
        requireNonNull(driver, "driver is null");
        requireNonNull(options, "options is null");
    }

    public TargetLocation location(BackupTargets targets) {
        return targets.locationForDriver(driver, options);
    }
}
