package io.hearth.target.gcs;

import com.google.cloud.storage.StorageOptions;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.RetryingTarget;
import io.hearth.engine.target.TargetErrorListener;
import io.hearth.engine.target.TargetFactory;
import io.hearth.engine.target.TargetLocation;
import io.hearth.engine.target.TargetOptions;
import io.hearth.service.TargetRoundTrip;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real service configured as cinder's GCS driver (backup_driver, backup_gcs_bucket, backup_gcs_project_id): full
 * and incremental backup over the Cinder API, restore to a new volume, byte for byte. No server of the GCS JSON API can
 * run here (docs/targets-s3-gcs.md), so the real client library works against its own LocalStorageHelper: the factory
 * below is the module's own but for the Storage it hands the target.
 */
class GcsServiceRoundTripTest {
    @TempDir
    Path state;

    /** GcsTargetFactory's scheme, driver names and options, over an in-memory Storage (which has no bucket calls). */
    private record InMemoryGcs(GcsTargetFactory factory, StorageOptions storage) implements TargetFactory {
        @Override
        public String scheme() {
            return factory.scheme();
        }

        @Override
        public List<String> cinderDrivers() {
            return factory.cinderDrivers();
        }

        @Override
        public TargetLocation locationFromOptions(TargetOptions options) {
            return factory.locationFromOptions(options);
        }

        @Override
        public BackupTarget open(TargetLocation location, TargetOptions options, TargetErrorListener errors) {
            GcsSettings settings = GcsSettings.from(options);
            return new RetryingTarget(new GcsTarget(storage.getService(), location.authority(), location.path(), settings),
                    settings.retryPolicy(), errors);
        }
    }

    @Test
    void fullAndIncrementalBackupRestoreByteIdenticalThroughTheService() throws Exception {
        BackupTargets targets = new BackupTargets(List.of(new InMemoryGcs(new GcsTargetFactory(), SerializedLocalStorage.options())));
        TargetRoundTrip.backUpAndRestore(state, List.of("backup_driver = cinder.backup.drivers.gcs.GoogleBackupDriver",
                "backup_gcs_bucket = backups", "backup_gcs_prefix = volumes", "backup_gcs_project_id = hearth-test",
                "backup_gcs_endpoint_url = http://127.0.0.1:1"), targets);
    }
}
