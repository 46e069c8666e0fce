package io.hearth.service.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a volume service reports with its heartbeat, as cinder's volume stats: the total and free bytes of its
 * volumes directory and the share of the total it keeps back ({@code reserved_percentage}).
 */
public record VolumeCapacity(long totalBytes, long freeBytes, int reservedPercentage) {
    public VolumeCapacity {
        if (totalBytes < 0 || freeBytes < 0 || reservedPercentage < 0 || reservedPercentage > 100) {
            throw new IllegalArgumentException("capacity out of range: total " + totalBytes + ", free " + freeBytes + ", reserved "
                    + reservedPercentage + "%");
        }
    }

    /** The free bytes a new volume may take: cinder's CapacityFilter and CapacityWeigher subtract the reserve (rounded down). */
    public long usableFreeBytes() {
        return freeBytes - Math.floorDiv(Math.multiplyExact(totalBytes, (long) reservedPercentage), 100L);
    }

    /** Reads the filesystem holding {@code directory}: its size and what this process may still write there. */
    public static VolumeCapacity of(Path directory, int reservedPercentage) {
        try {
            FileStore store = Files.getFileStore(directory);
            return new VolumeCapacity(store.getTotalSpace(), store.getUsableSpace(), reservedPercentage);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the capacity of " + directory, e);
        }
    }
}
