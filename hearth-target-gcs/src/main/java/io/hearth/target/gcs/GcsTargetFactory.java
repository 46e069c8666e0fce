package io.hearth.target.gcs;

import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.RetryingTarget;
import io.hearth.engine.target.TargetErrorListener;
import io.hearth.engine.target.TargetFactory;
import io.hearth.engine.target.TargetLocation;
import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.util.List;

/** {@code gs://bucket/prefix}, and cinder's {@code backup_driver = cinder.backup.drivers.gcs.GoogleBackupDriver}. */
public final class GcsTargetFactory implements TargetFactory {
    @Override
    public String scheme() {
        return "gs";
    }

    @Override
    public List<String> cinderDrivers() {
        return List.of("cinder.backup.drivers.gcs.GoogleBackupDriver", "cinder.backup.drivers.gcs", "cinder.backup.drivers.google");
    }

    @Override
    public TargetLocation locationFromOptions(TargetOptions options) {
        String bucket = options.required("backup_gcs_bucket", "the Google Cloud Storage bucket to keep backups in");
        String prefix = options.get("backup_gcs_prefix", "");
        return TargetLocation.parse("gs://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix));
    }

    @Override
    public BackupTarget open(TargetLocation location, TargetOptions options, TargetErrorListener errors) throws IOException {
        GcsSettings settings = GcsSettings.from(options);
        GcsTarget target = new GcsTarget(GcsClients.build(settings), location.authority(), location.path(), settings);
        try {
            target.ensureBucket();
        } catch (IOException | RuntimeException e) {
            target.close();
            throw e;
        }
        return new RetryingTarget(target, settings.retryPolicy(), errors);
    }
}
