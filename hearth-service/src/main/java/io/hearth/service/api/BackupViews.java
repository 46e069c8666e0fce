package io.hearth.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.service.backup.Backup;
import java.util.List;
import java.util.Map;

/** Cinder's backup views (reference §1.4–1.6): summary {id, name, links} and detail, fields by microversion. */
final class BackupViews {
    /**
     * Hearth's extensions of backup detail, named as cinder names extension attributes ({@code prefix:name}) so no
     * client mistakes them for cinder's: the parent an incremental was made on (cinder keeps it but does not show it),
     * and the bytes the backup added to the repository (null while unknown).
     */
    static final String HEARTH_PARENT_ID = "hearth:parent_id";
    static final String HEARTH_STORED_BYTES = "hearth:stored_bytes";

    private BackupViews() {}

    record Summary(@JsonProperty("id") String id, @JsonProperty("name") String name, @JsonProperty("links") List<Link> links) {}

    record Detail(
            @JsonProperty("id") String id,
            @JsonProperty("status") String status,
            @JsonProperty("size") int size,
            @JsonProperty("object_count") long objectCount,
            @JsonProperty("availability_zone") String availabilityZone,
            @JsonProperty("container") String container,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("updated_at") String updatedAt,
            @JsonProperty("name") String name,
            @JsonProperty("description") String description,
            @JsonProperty("fail_reason") String failReason,
            @JsonProperty("volume_id") String volumeId,
            @JsonProperty("links") List<Link> links,
            @JsonProperty("is_incremental") boolean isIncremental,
            @JsonProperty("has_dependent_backups") boolean hasDependentBackups,
            @JsonProperty("snapshot_id") String snapshotId,
            @JsonProperty("data_timestamp") String dataTimestamp,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("metadata") Map<String, String> metadata,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("os-backup-project-attr:project_id") String projectId,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("user_id") String userId,
            @JsonProperty(HEARTH_PARENT_ID) String parentId,
            @JsonProperty(HEARTH_STORED_BYTES) Long storedBytes) {}

    record One<T>(@JsonProperty("backup") T backup) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Many<T>(@JsonProperty("backups") List<T> backups, @JsonProperty("backups_links") List<Link> links,
            @JsonProperty("count") Integer count) {}

    record Restore(@JsonProperty("backup_id") String backupId, @JsonProperty("volume_id") String volumeId,
            @JsonProperty("volume_name") String volumeName) {}

    record RestoreEnvelope(@JsonProperty("restore") Restore restore) {}

    record Record(@JsonProperty("backup_service") String backupService, @JsonProperty("backup_url") String backupUrl) {}

    record RecordEnvelope(@JsonProperty("backup-record") Record record) {}

    record Progress(@JsonProperty("operation") String operation, @JsonProperty("bytes_done") long bytesDone,
            @JsonProperty("bytes_total") long bytesTotal) {}

    record ProgressEnvelope(@JsonProperty("progress") Progress progress) {}

    static Summary summary(RequestScope scope, Backup backup) {
        return new Summary(backup.id(), backup.name(), Link.of(scope, "backups", backup.id()));
    }

    /** @param owner whether the caller may see the owning project and user (the policy's to say) */
    static Detail detail(RequestScope scope, Backup backup, int dependents, boolean owner) {
        return new Detail(backup.id(), backup.status().wire(), backup.size(), backup.objectCount(), backup.availabilityZone(),
                backup.container(), Bodies.time(backup.createdAt()), Bodies.time(backup.updatedAt()), backup.name(), backup.description(),
                backup.failReason(), backup.volumeId(), Link.of(scope, "backups", backup.id()), backup.incremental(), dependents > 0,
                backup.snapshotId(), Bodies.time(backup.dataTimestamp()),
                scope.version().atLeast(ApiVersion.BACKUP_METADATA) ? backup.metadata() : null,
                owner && scope.version().atLeast(ApiVersion.BACKUP_PROJECT) ? backup.projectId() : null,
                owner && scope.version().atLeast(ApiVersion.BACKUP_USER_ID) ? backup.userId() : null,
                backup.parentId(), backup.storedBytes());
    }
}
