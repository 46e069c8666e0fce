package io.hearth.target.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.HearthException;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetLocation;
import io.hearth.engine.target.TargetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cinder's backup_gcs_* options: their defaults, and clear errors for wrong ones before any request is made. */
class GcsOptionsTest {
    @TempDir
    Path dir;

    @Test
    void cinderDefaultsAreNearlineInUsWithThreeRetriesOf429() {
        GcsSettings settings = GcsSettings.from(new TargetOptions(Map.of("backup_gcs_credential_file", "/key.json")));
        assertThat(settings.storageClass()).isEqualTo("NEARLINE");
        assertThat(settings.bucketLocation()).isEqualTo("US");
        assertThat(settings.retryPolicy().attempts()).isEqualTo(4);
        assertThat(settings.retryStatuses()).isEqualTo(Set.of(429));
        assertThat(settings.userAgent()).isEqualTo("gcscinder");

        GcsSettings chosen = GcsSettings.from(new TargetOptions(Map.of("backup_gcs_credential_file", "/key.json",
                "backup_gcs_storage_class", "coldline", "backup_gcs_bucket_location", "EUROPE-WEST1",
                "backup_gcs_num_retries", "0", "backup_gcs_retry_error_codes", "429, 408")));
        assertThat(chosen.storageClass()).isEqualTo("COLDLINE");
        assertThat(chosen.bucketLocation()).isEqualTo("EUROPE-WEST1");
        assertThat(chosen.retryPolicy().attempts()).isEqualTo(1);
        assertThat(chosen.retryStatuses()).isEqualTo(Set.of(429, 408));
    }

    @Test
    void wrongOptionsAreBadInputNamingThem() throws Exception {
        BackupTargets targets = BackupTargets.installed();
        assertThatThrownBy(() -> targets.open("gs://bucket", TargetOptions.none()))
                .isInstanceOf(HearthException.class).hasMessageContaining("BACKUP_GCS_CREDENTIAL_FILE");
        assertThatThrownBy(() -> targets.open("gs://bucket", new TargetOptions(Map.of(
                "backup_gcs_credential_file", dir.resolve("absent.json").toString()))))
                .isInstanceOf(HearthException.class).hasMessageContaining("does not exist");
        Path notAKey = Files.writeString(dir.resolve("key.json"), "{\"type\": \"nonsense\"}");
        assertThatThrownBy(() -> targets.open("gs://bucket", new TargetOptions(Map.of(
                "backup_gcs_credential_file", notAKey.toString()))))
                .isInstanceOf(HearthException.class).hasMessageContaining("not a Google service account key file");
        assertThatThrownBy(() -> GcsSettings.from(new TargetOptions(Map.of("backup_gcs_credential_file", "/k",
                "backup_gcs_storage_class", "FROZEN"))))
                .isInstanceOf(HearthException.class).hasMessageContaining("backup_gcs_storage_class");
        String secretProxy = "http://user:pa55word@proxy:3128";
        assertThatThrownBy(() -> GcsSettings.from(new TargetOptions(Map.of("backup_gcs_credential_file", "/k",
                "backup_gcs_proxy_url", "ftp://user:pa55word@proxy"))))
                .isInstanceOf(HearthException.class).hasMessageContaining("backup_gcs_proxy_url")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pa55word"));
        assertThat(GcsSettings.from(new TargetOptions(Map.of("backup_gcs_credential_file", "/k", "backup_gcs_proxy_url",
                secretProxy))).proxy()).isPresent();
    }

    @Test
    void cinderDriverOptionsNameTheBucket() {
        BackupTargets targets = BackupTargets.installed();
        assertThat(targets.locationForDriver("cinder.backup.drivers.gcs.GoogleBackupDriver", new TargetOptions(Map.of(
                "backup_gcs_bucket", "backups", "backup_gcs_prefix", "site-a"))))
                .isEqualTo(new TargetLocation("gs", "backups", "site-a"));
        assertThatThrownBy(() -> targets.locationForDriver("cinder.backup.drivers.gcs", TargetOptions.none()))
                .isInstanceOf(HearthException.class).hasMessageContaining("BACKUP_GCS_BUCKET");
    }
}
