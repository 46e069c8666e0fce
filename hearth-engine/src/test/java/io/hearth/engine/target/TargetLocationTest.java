package io.hearth.engine.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetLocationTest {
    @Test
    void urlsOfEveryTargetParse() {
        assertThat(TargetLocation.parse("s3://bucket/some/prefix/")).isEqualTo(new TargetLocation("s3", "bucket", "some/prefix"));
        assertThat(TargetLocation.parse("swift://backups")).isEqualTo(new TargetLocation("swift", "backups", ""));
        assertThat(TargetLocation.parse("gs://b/p")).isEqualTo(new TargetLocation("gs", "b", "p"));
        assertThat(TargetLocation.parse("nfs://host:2049/export/path")).isEqualTo(new TargetLocation("nfs", "host:2049", "export/path"));
        assertThat(TargetLocation.parse("RADOS://pool/x").scheme()).isEqualTo("rados");
        assertThat(TargetLocation.parse("file:///var/backups/")).isEqualTo(new TargetLocation("file", "", "/var/backups"));
        assertThat(TargetLocation.parse("relative/dir").path()).startsWith("/").endsWith("relative/dir");
        assertThat(TargetLocation.parse("s3://bucket/p").toString()).isEqualTo("s3://bucket/p");
        assertThat(TargetLocation.parse("file:///a/b").toString()).isEqualTo("file:///a/b");
    }

    @Test
    void malformedLocationsAreBadInputThatSaysWhy() {
        for (String bad : List.of("", " ", "s3://", "s3:///prefix", "file://host/path", "file://", "s3://user:secret@bucket/p",
                "s3://bucket/p?x=1", "s3://bucket/../up", "s3://bucket/a b", "s3://bucket/a//b")) {
            assertThatThrownBy(() -> TargetLocation.parse(bad)).as(bad).isInstanceOf(HearthException.class)
                    .satisfies(e -> assertThat(((HearthException) e).category()).isEqualTo(ErrorCategory.BAD_INPUT))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
        }
    }

    @Test
    void unknownSchemesAndDriversNameWhatIsSupported() {
        BackupTargets targets = new BackupTargets(List.of(new PosixTargetFactory()));
        assertThatThrownBy(() -> targets.open("ftp://host/x", TargetOptions.none())).isInstanceOf(HearthException.class)
                .hasMessageContaining("'ftp'").hasMessageContaining("file");
        assertThatThrownBy(() -> targets.locationForDriver("cinder.backup.drivers.tsm.TSMBackupDriver", TargetOptions.none()))
                .isInstanceOf(HearthException.class).hasMessageContaining("PosixBackupDriver");
        assertThat(targets.locationForDriver("cinder.backup.drivers.posix.PosixBackupDriver",
                TargetOptions.none().with("backup_posix_path", "/srv/backup"))).isEqualTo(new TargetLocation("file", "", "/srv/backup"));
        assertThatThrownBy(() -> targets.locationForDriver("posix", TargetOptions.none())).hasMessageContaining("backup_posix_path");
    }

    @Test
    void optionsAreCheckedWithTheirNames() {
        TargetOptions options = TargetOptions.fromEnvironment(java.util.Map.of("BACKUP_S3_MAX_POOL_CONNECTIONS", "ten", "FLAG", "maybe"));
        assertThatThrownBy(() -> options.integer("backup_s3_max_pool_connections", 10, 1, 100))
                .hasMessageContaining("backup_s3_max_pool_connections").hasMessageContaining("ten");
        assertThatThrownBy(() -> options.bool("flag", false)).hasMessageContaining("maybe");
        assertThat(options.get("missing", "fallback")).isEqualTo("fallback");
    }
}
