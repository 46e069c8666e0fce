package io.hearth.engine.repository;

import io.hearth.engine.block.Compression;

/**
 * What {@code repo init} chooses. The defaults were chosen by measurement (BENCHMARKS.md).
 */
public record RepositorySettings(int blockSize, int packSize, Compression compression, int compressionLevel) {
    public static final int DEFAULT_BLOCK_SIZE = 32 * 1024;
    public static final int DEFAULT_PACK_SIZE = 16 * 1024 * 1024;
    public static final int DEFAULT_ZSTD_LEVEL = 1;
    public static final int DEFAULT_ZLIB_LEVEL = 6;

    public RepositorySettings {
        RepositoryConfig.checkBlockSize(blockSize);
        if (packSize < blockSize || packSize > (1 << 30)) {
            throw io.hearth.engine.HearthException.badInput("pack size must be between the block size and 1 GiB, not " + packSize);
        }
    }

    public static RepositorySettings defaults() {
        return new RepositorySettings(DEFAULT_BLOCK_SIZE, DEFAULT_PACK_SIZE, Compression.ZSTD, DEFAULT_ZSTD_LEVEL);
    }

    public RepositorySettings withBlockSize(int size) {
        return new RepositorySettings(size, packSize, compression, compressionLevel);
    }

    public RepositorySettings withPackSize(int size) {
        return new RepositorySettings(blockSize, size, compression, compressionLevel);
    }

    public RepositorySettings withCompression(Compression algorithm) {
        int level = algorithm == Compression.ZLIB ? DEFAULT_ZLIB_LEVEL : DEFAULT_ZSTD_LEVEL;
        return new RepositorySettings(blockSize, packSize, algorithm, level);
    }

    public RepositorySettings withCompressionLevel(int level) {
        return new RepositorySettings(blockSize, packSize, compression, level);
    }
}
