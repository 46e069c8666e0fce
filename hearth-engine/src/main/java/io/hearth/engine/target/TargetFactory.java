package io.hearth.engine.target;

import java.io.IOException;
import java.util.List;

/**
 * Makes the targets of one URL scheme. Target modules register theirs in
 * {@code META-INF/services/io.hearth.engine.target.TargetFactory}; {@link BackupTargets} finds them, so the engine,
 * the CLI and the service know no target by name.
 */
public interface TargetFactory {
    /** The URL scheme this factory serves, lower case ({@code s3}, {@code swift}, …). */
    String scheme();

    /** The values of cinder's {@code backup_driver} option that mean this target, cinder's own class name first. */
    List<String> cinderDrivers();

    /** The location cinder's own options give for this driver (for instance {@code backup_s3_store_bucket}). */
    TargetLocation locationFromOptions(TargetOptions options);

    /**
     * Opens the target. Checks what it can cheaply (the bucket exists, the credentials are accepted) so that a wrong
     * setting fails here with a message naming the option to change, not later in the middle of a backup.
     * {@code errors} hears of every failed request (the retry layer tells it).
     */
    BackupTarget open(TargetLocation location, TargetOptions options, TargetErrorListener errors) throws IOException;

    /** Opens the target with nobody counting its errors. */
    default BackupTarget open(TargetLocation location, TargetOptions options) throws IOException {
        return open(location, options, TargetErrorListener.NONE);
    }
}
