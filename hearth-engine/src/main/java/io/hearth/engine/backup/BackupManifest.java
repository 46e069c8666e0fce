package io.hearth.engine.backup;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * A backup's manifest, {@code backups/<id>.json}: everything needed to list, restore and import the
 * backup without any database. Written last; its presence is the backup's commit point.
 *
 * @param sourceSize the size in bytes of the backed-up volume or file
 * @param blockCount number of blocks in the block list ({@code ceil(sourceSize / blockSize)})
 * @param blockListRoot id of the root page of the block list tree (all zeros when blockCount is 0)
 * @param blockListDepth levels of pages above the leaves (0 when the root is a leaf page)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record BackupManifest(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("id") String id,
        @JsonProperty("parent_id") String parentId,
        @JsonProperty("volume_id") String volumeId,
        @JsonProperty("snapshot_id") String snapshotId,
        @JsonProperty("project_id") String projectId,
        @JsonProperty("name") String name,
        @JsonProperty("description") String description,
        @JsonProperty("metadata") Map<String, String> metadata,
        @JsonProperty("source_size") long sourceSize,
        @JsonProperty("block_size") int blockSize,
        @JsonProperty("block_count") long blockCount,
        @JsonProperty("block_list_root") String blockListRoot,
        @JsonProperty("block_list_depth") int blockListDepth,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("completed_at") Instant completedAt,
        @JsonProperty("stats") BackupStats stats) {

    public BackupManifest {
        requireNonNull(id, "id is null");
        requireNonNull(blockListRoot, "blockListRoot is null");
        requireNonNull(createdAt, "createdAt is null");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Where the block list starts. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public io.hearth.engine.blocklist.BlockListRoot blockList() {
        return new io.hearth.engine.blocklist.BlockListRoot(io.hearth.engine.block.BlockId.fromHex(blockListRoot), blockListDepth, blockCount);
    }

    public static String key(String backupId) {
        return "backups/" + backupId + ".json";
    }
}
