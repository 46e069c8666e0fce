package io.hearth.engine.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret of an encrypted repository: one AES-256 key that seals blobs and manifests, and one HMAC-SHA256 key that
 * names blocks (so that a block's id says nothing about its content to whoever lacks the key). Made once, at init;
 * passphrases and key files only wrap it ({@link KeyVault}), so changing them rewrites no data.
 */
public final class RepositoryKey {
    static final int BYTES = 64;

    private final SecretKey encryptionKey;
    private final SecretKey idKey;

    private RepositoryKey(byte[] material) {
        if (material.length != BYTES) {
            throw new IllegalArgumentException("a repository key has " + BYTES + " bytes");
        }
        this.encryptionKey = new SecretKeySpec(material, 0, 32, "AES");
        this.idKey = new SecretKeySpec(material, 32, 32, "HmacSHA256");
    }

    public static RepositoryKey generate(SecureRandom random) {
        byte[] material = new byte[BYTES];
        random.nextBytes(material);
        try {
            return new RepositoryKey(material);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    static RepositoryKey fromBytes(byte[] material) {
        return new RepositoryKey(material);
    }

    byte[] toBytes() {
        byte[] material = new byte[BYTES];
        System.arraycopy(encryptionKey.getEncoded(), 0, material, 0, 32);
        System.arraycopy(idKey.getEncoded(), 0, material, 32, 32);
        return material;
    }

    public SecretKey encryptionKey() {
        return encryptionKey;
    }

    public SecretKey idKey() {
        return idKey;
    }

    @Override
    public String toString() {
        return "RepositoryKey[hidden]";
    }
}
