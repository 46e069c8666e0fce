package io.hearth.service.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The JSON inside an exported record's {@code backup_url}: cinder's backup fields plus {@code driver_info}, which here
 * carries the engine's manifest, so an import needs nothing but this record and the repository.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupRecord(
        @JsonProperty("id") String id,
        @JsonProperty("user_id") String userId,
        @JsonProperty("project_id") String projectId,
        @JsonProperty("volume_id") String volumeId,
        @JsonProperty("host") String host,
        @JsonProperty("availability_zone") String availabilityZone,
        @JsonProperty("container") String container,
        @JsonProperty("parent_id") String parentId,
        @JsonProperty("status") String status,
        @JsonProperty("fail_reason") String failReason,
        @JsonProperty("size") Integer size,
        @JsonProperty("display_name") String displayName,
        @JsonProperty("display_description") String displayDescription,
        @JsonProperty("service_metadata") String serviceMetadata,
        @JsonProperty("service") String service,
        @JsonProperty("object_count") Long objectCount,
        @JsonProperty("temp_volume_id") String tempVolumeId,
        @JsonProperty("temp_snapshot_id") String tempSnapshotId,
        @JsonProperty("num_dependent_backups") Integer numDependentBackups,
        @JsonProperty("snapshot_id") String snapshotId,
        @JsonProperty("data_timestamp") String dataTimestamp,
        @JsonProperty("restore_volume_id") String restoreVolumeId,
        @JsonProperty("metadata") Map<String, String> metadata,
        @JsonProperty("encryption_key_id") String encryptionKeyId,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("updated_at") String updatedAt,
        @JsonProperty("deleted_at") String deletedAt,
        @JsonProperty("deleted") Boolean deleted,
        @JsonProperty("driver_info") DriverInfo driverInfo) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DriverInfo(@JsonProperty("manifest") JsonNode manifest) {}
}
