package io.hearth.engine.crypto;

import io.hearth.engine.HearthException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals one blob or object with AES-256-GCM: a random 96-bit nonce, the ciphertext, the 128-bit tag. Each blob is
 * sealed alone so that a ranged read of a pack can open the blobs it fetched. Not thread-safe: one per worker, so
 * that the {@link Cipher} is made once.
 */
public final class BlobSealer {
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;
    /** What sealing adds to a blob's length. */
    public static final int OVERHEAD = NONCE_BYTES + TAG_BYTES;

    private final SecretKey key;
    private final SecureRandom random;
    private final Cipher cipher;
    private final byte[] nonce = new byte[NONCE_BYTES];

    public BlobSealer(RepositoryKey key, SecureRandom random) {
        this.key = key.encryptionKey();
        this.random = random;
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this Java runtime", e);
        }
    }

    /** Seals {@code plain} (position to limit, left unchanged) into {@code out} (cleared first, then flipped). */
    public void seal(ByteBuffer plain, ByteBuffer out) {
        out.clear();
        random.nextBytes(nonce);
        out.put(nonce);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.doFinal(plain.duplicate(), out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
        out.flip();
    }

    /**
     * Opens {@code sealed} (position to limit, left unchanged) into {@code out} (cleared first, then flipped).
     *
     * @throws HearthException CORRUPT if the data was changed or sealed with another key
     */
    public void open(ByteBuffer sealed, ByteBuffer out, String what) {
        out.clear();
        if (sealed.remaining() < OVERHEAD) {
            throw HearthException.corrupt(what + " is too short to be sealed data (" + sealed.remaining() + " bytes)");
        }
        ByteBuffer input = sealed.duplicate();
        input.get(nonce);
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.doFinal(input, out);
        } catch (AEADBadTagException e) {
            throw HearthException.corrupt(what + " fails authentication: it was changed, or sealed with another repository's key");
        } catch (GeneralSecurityException e) {
            throw HearthException.corrupt(what + " cannot be opened: " + e.getMessage());
        }
        out.flip();
    }

    public byte[] seal(byte[] plain) {
        ByteBuffer out = ByteBuffer.allocate(plain.length + OVERHEAD);
        seal(ByteBuffer.wrap(plain), out);
        return out.array();
    }

    public byte[] open(byte[] sealed, String what) {
        ByteBuffer out = ByteBuffer.allocate(Math.max(0, sealed.length - OVERHEAD));
        open(ByteBuffer.wrap(sealed), out, what);
        return out.array();
    }
}
