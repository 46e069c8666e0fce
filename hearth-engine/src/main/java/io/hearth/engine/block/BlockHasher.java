package io.hearth.engine.block;

import io.hearth.engine.openssl.OpenSslHmacSha256;
import io.hearth.engine.openssl.OpenSslSha256;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * Names blobs: the SHA-256 of their plain data, or in an encrypted repository its HMAC-SHA256 under the repository's
 * id key, so that ids reveal nothing about content. Not thread-safe: one per worker.
 */
public final class BlockHasher {
    private final MessageDigest digest;
    private final Mac mac;
    /** OpenSSL's SHA-256 or HMAC for direct buffers when libcrypto is there (see {@link OpenSslSha256} for why). */
    private final Optional<OpenSslSha256> openSsl;
    private final Optional<OpenSslHmacSha256> openSslMac;
    private final byte[] out = new byte[BlockId.BYTES];

    private BlockHasher(MessageDigest digest, Mac mac, Optional<OpenSslSha256> openSsl, Optional<OpenSslHmacSha256> openSslMac) {
        this.digest = digest;
        this.mac = mac;
        this.openSsl = openSsl;
        this.openSslMac = openSslMac;
    }

    public static BlockHasher sha256() {
        try {
            return new BlockHasher(MessageDigest.getInstance("SHA-256"), null, OpenSslSha256.create(), Optional.empty());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    public static BlockHasher hmacSha256(SecretKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] material = key.getEncoded();
            return new BlockHasher(null, mac, Optional.empty(),
                    material == null ? Optional.empty() : OpenSslHmacSha256.create(material));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this Java runtime", e);
        }
    }

    /** Hashes {@code data} from its position to its limit, leaving the position unchanged. */
    public BlockId hash(ByteBuffer data) {
        boolean doneNatively = mac != null ? openSslMac.isPresent() && openSslMac.get().mac(data, out)
                : openSsl.isPresent() && openSsl.get().hash(data, out);
        if (!doneNatively) {
            hashInJava(data);
        }
        return BlockId.fromBytes(out);
    }

    private void hashInJava(ByteBuffer data) {
        try {
            if (mac != null) {
                mac.update(data.duplicate());
                mac.doFinal(out, 0);
            } else {
                digest.update(data.duplicate());
                digest.digest(out, 0, out.length);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
