package io.hearth.target.rados;

import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.RetryPolicy;
import io.hearth.engine.target.RetryingTarget;
import io.hearth.engine.target.TargetErrorListener;
import io.hearth.engine.target.TargetFactory;
import io.hearth.engine.target.TargetLocation;
import io.hearth.engine.target.TargetOptions;
import io.hearth.engine.target.TargetProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * {@code rados://pool/prefix}, and {@code backup_driver = cinder.backup.drivers.ceph.CephBackupDriver} with
 * {@code backup_ceph_pool} (default {@code backups}) and Hearth's {@code backup_ceph_prefix}; the other options are in {@link RadosSettings}. cinder's driver
 * keeps RBD images; Hearth keeps its own repository format as RADOS objects in that pool, so only the settings carry
 * over, not existing cinder backups.
 */
public final class RadosTargetFactory implements TargetFactory {
    @Override
    public String scheme() {
        return "rados";
    }

    @Override
    public List<String> cinderDrivers() {
        return List.of("cinder.backup.drivers.ceph.CephBackupDriver", "cinder.backup.drivers.ceph");
    }

    @Override
    public TargetLocation locationFromOptions(TargetOptions options) {
        // Hearth's own backup_ceph_prefix (the RADOS namespace) keeps several repositories in one pool.
        String pool = RadosSettings.checkPool(options.get("backup_ceph_pool", RadosSettings.DEFAULT_POOL));
        String prefix = options.get("backup_ceph_prefix", "");
        return TargetLocation.parse("rados://" + pool + (prefix.isEmpty() ? "" : "/" + prefix));
    }

    @Override
    public BackupTarget open(TargetLocation location, TargetOptions options, TargetErrorListener errors) throws IOException {
        RadosSettings settings = RadosSettings.of(location, options);
        RadosConnection connection = RadosConnection.open(Librados.load(), settings);
        TargetProperties properties = new TargetProperties(location.toString(), settings.maxConnections());
        return new RetryingTarget(new RadosTarget(connection, properties),
                new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(16)), errors);
    }
}
