package io.hearth.engine.block;

import io.hearth.engine.crypto.BlobSealer;
import io.hearth.engine.crypto.RepositoryKey;
import java.security.SecureRandom;

/**
 * How this repository names and stores blobs and manifests: plain (SHA-256 ids, compression only) or encrypted
 * (HMAC-SHA256 ids, compression then AES-256-GCM). The one place that knows, so that the backup, restore, verify and
 * gc code asks it for hashers and codecs instead of deciding.
 */
public final class BlobFormat {
    private final RepositoryKey key;
    private final SecureRandom random;

    private BlobFormat(RepositoryKey key, SecureRandom random) {
        this.key = key;
        this.random = random;
    }

    public static BlobFormat plain() {
        return new BlobFormat(null, null);
    }

    public static BlobFormat encrypted(RepositoryKey key, SecureRandom random) {
        return new BlobFormat(key, random);
    }

    public boolean isEncrypted() {
        return key != null;
    }

    public BlockHasher newHasher() {
        return key == null ? BlockHasher.sha256() : BlockHasher.hmacSha256(key.idKey());
    }

    /** A codec for writing blobs with this compression; its owner closes it. */
    public BlockCodec newCodec(Compression compression, int level) {
        return new BlockCodec(compression, level, key == null ? null : new BlobSealer(key, nonceSource()));
    }

    /** Each worker draws nonces from a generator of its own: no lock shared with the other workers, no system call per blob. */
    private SecureRandom nonceSource() {
        try {
            return SecureRandom.getInstance("DRBG"); // seeds itself from the system's entropy
        } catch (java.security.NoSuchAlgorithmException e) {
            return random;
        }
    }

    /** A codec for reading blobs (each blob records its own compression). */
    public BlockCodec newDecoder() {
        return newCodec(Compression.NONE, 0);
    }

    /** A whole small object (a manifest) as stored. */
    public byte[] sealObject(byte[] plain) {
        return key == null ? plain : new BlobSealer(key, random).seal(plain);
    }

    public byte[] openObject(byte[] stored, String what) {
        return key == null ? stored : new BlobSealer(key, random).open(stored, what);
    }
}
