package io.hearth.target.gcs;

import com.google.cloud.storage.StorageOptions;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargetContract;
import io.hearth.engine.target.RetryingTarget;
import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.util.Map;

/**
 * The shared target contract on the client library's LocalStorageHelper (an in-memory Storage behind the real
 * client). No server of the GCS JSON API can run here: the Cloud Storage emulator of firebase-tools downloads its
 * rules runtime from the network when it starts, which this machine and CI cannot reach.
 */
class GcsTargetContractTest extends BackupTargetContract {
    private static final GcsSettings SETTINGS = GcsSettings.from(new TargetOptions(Map.of(
            "backup_gcs_endpoint_url", "http://127.0.0.1:1", "backup_gcs_project_id", "hearth-test")));

    private StorageOptions storage;

    private BackupTarget open() throws IOException {
        // The fake has every bucket and implements no bucket calls, so ensureBucket is not exercised here.
        GcsTarget target = new GcsTarget(storage.getService(), "backups", "repo/one", SETTINGS);
        return new RetryingTarget(target, SETTINGS.retryPolicy());
    }

    @Override
    protected BackupTarget openEmptyTarget() throws IOException {
        storage = SerializedLocalStorage.options();
        return open();
    }

    @Override
    protected BackupTarget reopen() throws IOException {
        return open();
    }
}
