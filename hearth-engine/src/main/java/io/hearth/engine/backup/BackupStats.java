package io.hearth.engine.backup;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a backup cost.
 *
 * @param bytesRead bytes read from the source
 * @param bytesNew plain bytes of data blocks the repository did not have
 * @param bytesStored bytes written to the target (packs, index objects, manifest)
 * @param objectsWritten objects written to the target
 * @param blocksTotal blocks in the volume
 * @param blocksZero all-zero blocks (never stored)
 * @param blocksNew data blocks stored by this backup
 * @param seconds wall-clock duration
 */
public record BackupStats(
        @JsonProperty("bytes_read") long bytesRead,
        @JsonProperty("bytes_new") long bytesNew,
        @JsonProperty("bytes_stored") long bytesStored,
        @JsonProperty("objects_written") long objectsWritten,
        @JsonProperty("blocks_total") long blocksTotal,
        @JsonProperty("blocks_zero") long blocksZero,
        @JsonProperty("blocks_new") long blocksNew,
        @JsonProperty("seconds") double seconds) {}
