package io.hearth.target.s3;

import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import io.hearth.engine.target.RetryingTarget;
import io.hearth.engine.target.TargetErrorListener;
import io.hearth.engine.target.TargetFactory;
import io.hearth.engine.target.TargetLocation;
import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

/** {@code s3://bucket/prefix}, and cinder's {@code backup_driver = cinder.backup.drivers.s3.S3BackupDriver}. */
public final class S3TargetFactory implements TargetFactory {
    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public List<String> cinderDrivers() {
        return List.of("cinder.backup.drivers.s3.S3BackupDriver", "cinder.backup.drivers.s3");
    }

    @Override
    public TargetLocation locationFromOptions(TargetOptions options) {
        // cinder's default bucket; Hearth's own backup_s3_prefix keeps several repositories in one bucket.
        String bucket = options.get("backup_s3_store_bucket", "volumebackups");
        String prefix = options.get("backup_s3_prefix", "");
        return TargetLocation.parse("s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix));
    }

    @Override
    public BackupTarget open(TargetLocation location, TargetOptions options, TargetErrorListener errors) throws IOException {
        S3Settings settings = S3Settings.from(options);
        S3Target target = new S3Target(S3Clients.build(settings), location.authority(), location.path(), settings);
        RetryingTarget retrying = new RetryingTarget(target, settings.retryPolicy(), errors);
        try {
            // A listing (unlike a HEAD) says why it failed: missing bucket, refused credentials. Through the retry
            // layer, so that a server still starting is waited for, while a wrong setting fails at once.
            try (Stream<ObjectInfo> probe = retrying.list("config")) {
                probe.findAny();
            }
        } catch (IOException | RuntimeException e) {
            target.close();
            throw e;
        }
        return retrying;
    }
}
