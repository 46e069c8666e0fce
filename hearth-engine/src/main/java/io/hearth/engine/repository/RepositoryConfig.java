package io.hearth.engine.repository;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.engine.HearthException;
import io.hearth.engine.block.Compression;
import java.time.Instant;

/**
 * The repository's {@code config} object: what every reader must know before reading anything else.
 *
 * @param formatVersion the repository format version ({@link FormatVersion})
 * @param id the repository's random id (names its local cache)
 * @param blockSize bytes per block of a volume
 * @param packSize bytes after which a pack is closed
 * @param hash how blob ids are made: "sha256", or "hmac-sha256" (keyed) in an encrypted repository
 * @param compression the default compression of new blobs
 * @param compressionLevel the zstd or zlib level
 * @param createdAt when the repository was created
 * @param encryption null, or "aes-256-gcm": blobs and manifests are sealed with the key that {@code keys/} wraps
 */
public record RepositoryConfig(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("id") String id,
        @JsonProperty("block_size") int blockSize,
        @JsonProperty("pack_size") int packSize,
        @JsonProperty("hash") String hash,
        @JsonProperty("compression") String compression,
        @JsonProperty("compression_level") int compressionLevel,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("encryption") @com.fasterxml.jackson.annotation.JsonInclude(
                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String encryption) {

    public static final String SHA256 = "sha256";
    public static final String HMAC_SHA256 = "hmac-sha256";
    public static final String AES_256_GCM = "aes-256-gcm";

    public static final int MIN_BLOCK_SIZE = 4096;
    public static final int MAX_BLOCK_SIZE = 16 << 20;

    public RepositoryConfig {
        requireNonNull(id, "id is null");
        requireNonNull(hash, "hash is null");
        requireNonNull(compression, "compression is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    public Compression compressionAlgorithm() {
        return Compression.fromName(compression);
    }

    /** Checks the settings a writer relies on; a damaged or foreign config is refused with its reason. */
    public void validate() {
        FormatVersion.require(formatVersion);
        checkBlockSize(blockSize);
        if (packSize < blockSize || packSize > (1 << 30)) {
            throw HearthException.corrupt("repository config has an invalid pack_size " + packSize);
        }
        if (!SHA256.equals(hash) && !HMAC_SHA256.equals(hash)) {
            throw HearthException.corrupt("repository config names an unknown hash '" + hash + "'");
        }
        if (encryption != null && !AES_256_GCM.equals(encryption)) {
            throw HearthException.badInput("repository config names an encryption this Hearth does not know: '" + encryption + "'");
        }
        if (isEncrypted() != HMAC_SHA256.equals(hash)) {
            throw HearthException.corrupt("repository config pairs hash '" + hash + "' with encryption '" + encryption
                    + "': an encrypted repository uses hmac-sha256, a plain one sha256");
        }
        compressionAlgorithm();
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEncrypted() {
        return encryption != null;
    }

    public static void checkBlockSize(int blockSize) {
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw HearthException.badInput("block size must be a power of two from 4 KiB to 16 MiB, not " + blockSize);
        }
    }
}
