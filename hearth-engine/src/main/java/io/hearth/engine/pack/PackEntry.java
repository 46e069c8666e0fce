package io.hearth.engine.pack;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.block.BlockId;
import io.hearth.engine.block.Compression;

/**
 * Where one blob lies: in which pack, at which offset, how long stored and how long plain.
 * This is both a pack header entry and an index entry.
 */
public record PackEntry(BlockId id, PackId pack, long offset, int storedLength, int plainLength, BlobType type, Compression compression) {
    public PackEntry {
        requireNonNull(id, "id is null");
        requireNonNull(pack, "pack is null");
        requireNonNull(type, "type is null");
        requireNonNull(compression, "compression is null");
        if (offset < 0 || storedLength < 0 || plainLength < 0) {
            throw new IllegalArgumentException("negative offset or length");
        }
    }
}
