package io.hearth.engine.openssl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * HMAC-SHA256 (RFC 2104) over {@link OpenSslSha256}: SHA-256 of the outer pad and the SHA-256 of the inner pad and the
 * data. Built from the digest rather than OpenSSL's MAC API because the digest is already bound and the formula is
 * two lines; the JDK's Mac checks it in the tests. Fast from the first block for the same reason as the digest. Not
 * thread-safe: one per hasher.
 */
public final class OpenSslHmacSha256 {
    private static final int BLOCK_BYTES = 64;

    private final OpenSslSha256 sha;
    private final MemorySegment innerPad;
    private final MemorySegment outerPad;
    private final MemorySegment inner;
    private final MemorySegment result;

    private OpenSslHmacSha256(OpenSslSha256 sha, byte[] key) {
        this.sha = sha;
        Arena arena = Arena.ofAuto();
        this.innerPad = arena.allocate(BLOCK_BYTES);
        this.outerPad = arena.allocate(BLOCK_BYTES);
        this.inner = arena.allocate(OpenSslSha256.DIGEST_BYTES);
        this.result = arena.allocate(OpenSslSha256.DIGEST_BYTES);
        byte[] block = new byte[BLOCK_BYTES];
        if (key.length > BLOCK_BYTES) {
            MemorySegment keyDigest = arena.allocate(OpenSslSha256.DIGEST_BYTES);
            sha.digest(null, copy(arena, key), keyDigest);
            MemorySegment.copy(keyDigest, ValueLayout.JAVA_BYTE, 0, block, 0, OpenSslSha256.DIGEST_BYTES);
        } else {
            System.arraycopy(key, 0, block, 0, key.length);
        }
        for (int i = 0; i < BLOCK_BYTES; i++) {
            innerPad.set(ValueLayout.JAVA_BYTE, i, (byte) (block[i] ^ 0x36));
            outerPad.set(ValueLayout.JAVA_BYTE, i, (byte) (block[i] ^ 0x5c));
        }
        Arrays.fill(block, (byte) 0);
    }

    private static MemorySegment copy(Arena arena, byte[] bytes) {
        return arena.allocate(bytes.length).copyFrom(MemorySegment.ofArray(bytes));
    }

    /** An HMAC under {@code key} over OpenSSL, or empty when libcrypto cannot be used here. */
    public static Optional<OpenSslHmacSha256> create(byte[] key) {
        return OpenSslSha256.create().map(sha -> new OpenSslHmacSha256(sha, key));
    }

    /** MACs a direct buffer from its position to its limit into {@code out}; false for a heap buffer (the caller MACs it). */
    public boolean mac(ByteBuffer data, byte[] out) {
        if (!data.isDirect()) {
            return false;
        }
        sha.digest(innerPad, MemorySegment.ofBuffer(data), inner);
        sha.digest(outerPad, inner, result);
        MemorySegment.copy(result, ValueLayout.JAVA_BYTE, 0, out, 0, out.length);
        return true;
    }
}
