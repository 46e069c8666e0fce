package io.hearth.engine.crypto;

import io.hearth.engine.HearthException;
import io.hearth.engine.openssl.OpenSslAesGcm;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals one blob or object with AES-256-GCM: a random 96-bit nonce, the ciphertext, the 128-bit tag. Each blob is
 * sealed alone so that a ranged read of a pack can open the blobs it fetched. Direct buffers (the data path's) go
 * through OpenSSL when libcrypto is there ({@link OpenSslAesGcm} says why), everything else through the JDK; both
 * produce the same bytes. Not thread-safe: one per worker, so that the ciphers are made once.
 */
public final class BlobSealer {
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;
    /** What sealing adds to a blob's length. */
    public static final int OVERHEAD = NONCE_BYTES + TAG_BYTES;

    private final SecretKey key;
    private final SecureRandom random;
    private final Cipher cipher;
    private final Optional<OpenSslAesGcm> openSsl;
    private final byte[] nonce = new byte[NONCE_BYTES];
    private final byte[] tag = new byte[TAG_BYTES];
    private byte[] inputArray = new byte[0];
    private byte[] outputArray = new byte[0];

    public BlobSealer(RepositoryKey key, SecureRandom random) {
        this.key = key.encryptionKey();
        this.random = random;
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this Java runtime", e);
        }
        this.openSsl = OpenSslAesGcm.create(this.key.getEncoded());
    }

    private boolean isNative(ByteBuffer in, ByteBuffer out) {
        return openSsl.isPresent() && in.isDirect() && out.isDirect();
    }

    /** Seals {@code plain} (position to limit, left unchanged) into {@code out} (cleared first, then flipped). */
    public void seal(ByteBuffer plain, ByteBuffer out) {
        int length = plain.remaining();
        if (isNative(plain, out)) {
            random.nextBytes(nonce);
            out.clear().put(nonce);
            openSsl.get().encrypt(nonce, plain, out, tag);
            out.position(NONCE_BYTES + length).put(tag).flip();
            return;
        }
        byte[] input = input(length);
        plain.duplicate().get(input, 0, length);
        byte[] output = output(length + TAG_BYTES);
        random.nextBytes(nonce);
        int written;
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            written = cipher.doFinal(input, 0, length, output, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
        out.clear();
        out.put(nonce).put(output, 0, written).flip();
    }

    /**
     * Opens {@code sealed} (position to limit, left unchanged) into {@code out} (cleared first, then flipped).
     *
     * @throws HearthException CORRUPT if the data was changed or sealed with another key
     */
    public void open(ByteBuffer sealed, ByteBuffer out, String what) {
        int length = sealed.remaining() - NONCE_BYTES;
        if (length < TAG_BYTES) {
            throw HearthException.corrupt(what + " is too short to be sealed data (" + sealed.remaining() + " bytes)");
        }
        ByteBuffer source = sealed.duplicate();
        source.get(nonce);
        if (isNative(sealed, out)) {
            source.get(source.position() + length - TAG_BYTES, tag);
            out.clear();
            if (!openSsl.get().decrypt(nonce, source.limit(source.position() + length - TAG_BYTES), out, tag)) {
                throw failsAuthentication(what);
            }
            out.position(length - TAG_BYTES).flip();
            return;
        }
        byte[] input = input(length);
        source.get(input, 0, length);
        byte[] output = output(length);
        int written;
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            written = cipher.doFinal(input, 0, length, output, 0);
        } catch (AEADBadTagException e) {
            throw failsAuthentication(what);
        } catch (GeneralSecurityException e) {
            throw HearthException.corrupt(what + " cannot be opened: " + e.getMessage());
        }
        out.clear();
        out.put(output, 0, written).flip();
    }

    private static HearthException failsAuthentication(String what) {
        return HearthException.corrupt(what + " fails authentication: it was changed, or sealed with another repository's key");
    }

    // The JDK's AES-GCM runs several times faster on arrays than on direct buffers, so the bytes are copied through
    // two arrays kept for reuse; a copy costs a fraction of the cipher.
    private byte[] input(int length) {
        if (inputArray.length < length) {
            inputArray = new byte[Math.max(length, 2 * inputArray.length)];
        }
        return inputArray;
    }

    private byte[] output(int length) {
        if (outputArray.length < length) {
            outputArray = new byte[Math.max(length, 2 * outputArray.length)];
        }
        return outputArray;
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
