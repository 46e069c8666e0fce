package io.hearth.engine.block;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Names blobs by the SHA-256 of their plain data. Not thread-safe: one per worker. */
public final class BlockHasher {
    private final MessageDigest digest;
    private final byte[] out = new byte[BlockId.BYTES];

    public BlockHasher() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** Hashes {@code data} from its position to its limit, leaving the position unchanged. */
    public BlockId hash(ByteBuffer data) {
        digest.update(data.duplicate());
        try {
            digest.digest(out, 0, out.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        return BlockId.fromBytes(out);
    }
}
