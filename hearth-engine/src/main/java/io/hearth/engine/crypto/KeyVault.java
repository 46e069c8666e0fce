package io.hearth.engine.crypto;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import io.hearth.engine.openssl.OpenSslScrypt;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * The key files of an encrypted repository ({@code keys/}): each wraps the one repository key under a passphrase or
 * an operator's key, so adding a passphrase and removing the old one (key rotation) rewrites no blob.
 */
public final class KeyVault {
    /** scrypt's cost: 32 MiB of memory and about a tenth of a second per unlock, as restic chooses. */
    static final int SCRYPT_N = 1 << 15;
    static final int SCRYPT_R = 8;
    static final int SCRYPT_P = 1;
    private static final int MAX_SCRYPT_N = 1 << 20;

    private final BackupTarget target;
    private final ObjectMapper json;
    private final byte[] repositoryId;
    private final SecureRandom random;

    public KeyVault(BackupTarget target, ObjectMapper json, String repositoryId, SecureRandom random) {
        this.target = requireNonNull(target, "target is null");
        this.json = requireNonNull(json, "json is null");
        this.repositoryId = repositoryId.getBytes(StandardCharsets.UTF_8);
        this.random = requireNonNull(random, "random is null");
    }

    /** Writes a new key file that opens {@code key} with {@code secret}; returns its id. */
    public String add(RepositoryKey key, RepositorySecret secret) throws IOException {
        String kdf = switch (secret) {
            case RepositorySecret.Passphrase p -> KeyFile.SCRYPT;
            case RepositorySecret.KeyMaterial k -> KeyFile.NONE;
            case RepositorySecret.None n -> throw new IllegalArgumentException("an unencrypted repository has no keys");
        };
        String id = HexFormat.of().formatHex(randomBytes(8));
        byte[] salt = randomBytes(16);
        byte[] nonce = randomBytes(BlobSealer.NONCE_BYTES);
        byte[] material = key.toBytes();
        byte[] kek = keyEncryptionKey(salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, secret);
        try {
            KeyFile file = new KeyFile(id, kdf, SCRYPT_N, SCRYPT_R, SCRYPT_P, salt, nonce, gcm(Cipher.ENCRYPT_MODE, kek, nonce, material),
                    Instant.now());
            if (!target.putIfAbsent(file.objectKey(), ByteBuffer.wrap(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(file)))) {
                throw new HearthException(ErrorCategory.CONFLICT, "key " + id + " already exists");
            }
            return id;
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("sealing cannot fail authentication", e);
        } finally {
            Arrays.fill(material, (byte) 0);
            Arrays.fill(kek, (byte) 0);
        }
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * Finds the key file that {@code secret} opens and returns the repository key.
     *
     * @throws HearthException BAD_INPUT if none does (a wrong passphrase or key file)
     */
    public RepositoryKey unlock(RepositorySecret secret) throws IOException {
        if (secret instanceof RepositorySecret.None) {
            throw HearthException.badInput("the repository is encrypted: give its passphrase (HEARTH_REPO_PASSWORD) or key file");
        }
        List<KeyFile> files = read();
        if (files.isEmpty()) {
            throw HearthException.corrupt("the repository is encrypted but has no key files under keys/");
        }
        for (KeyFile file : files) {
            boolean passphrase = secret instanceof RepositorySecret.Passphrase;
            if (passphrase != file.kdf().equals(KeyFile.SCRYPT)) {
                continue;
            }
            byte[] kek = keyEncryptionKey(file.salt(), file.scryptN(), file.scryptR(), file.scryptP(), secret);
            try {
                return RepositoryKey.fromBytes(gcm(Cipher.DECRYPT_MODE, kek, file.nonce(), file.wrappedKey()));
            } catch (AEADBadTagException wrongSecret) {
                // try the next key file
            } finally {
                Arrays.fill(kek, (byte) 0);
            }
        }
        throw HearthException.badInput("no key of this repository opens with the given "
                + (secret instanceof RepositorySecret.Passphrase ? "passphrase" : "key file") + ": check it and try again");
    }

    public List<KeyInfo> list() throws IOException {
        return read().stream().map(file -> new KeyInfo(file.id(), file.kdf().equals(KeyFile.SCRYPT) ? "passphrase" : "key file",
                file.createdAt())).toList();
    }

    /** Deletes a key file; the last one is refused, since without it nothing could be restored. */
    public void remove(String keyId) throws IOException {
        List<KeyFile> files = read();
        KeyFile victim = files.stream().filter(file -> file.id().equals(keyId)).findFirst()
                .orElseThrow(() -> HearthException.notFound("the repository has no key " + keyId));
        if (files.size() == 1) {
            throw new HearthException(ErrorCategory.CONFLICT, "key " + keyId + " is the repository's last key: add another first");
        }
        target.delete(victim.objectKey());
    }

    private List<KeyFile> read() throws IOException {
        List<String> keys;
        try (Stream<ObjectInfo> listing = target.list(KeyFile.PREFIX)) {
            keys = listing.map(ObjectInfo::key).filter(key -> key.endsWith(".json")).sorted().toList();
        }
        List<KeyFile> files = new ArrayList<>();
        for (String key : keys) {
            try (InputStream in = target.get(key)) {
                KeyFile file = json.readValue(in, KeyFile.class);
                check(file, key);
                files.add(file);
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw HearthException.corrupt("key file " + key + " is unreadable: " + e.getOriginalMessage());
            } catch (io.hearth.engine.target.ObjectNotFoundException removedMeanwhile) {
                // another process removed it: not a key any more
            }
        }
        return files;
    }

    private static void check(KeyFile file, String key) {
        boolean scrypt = KeyFile.SCRYPT.equals(file.kdf());
        if (!scrypt && !KeyFile.NONE.equals(file.kdf())) {
            throw HearthException.corrupt("key file " + key + " names an unknown kdf '" + file.kdf() + "'");
        }
        // Bounds so that a planted key file cannot make us allocate gigabytes.
        if (scrypt && (file.scryptN() < 2 || file.scryptN() > MAX_SCRYPT_N || Integer.bitCount(file.scryptN()) != 1
                || file.scryptR() < 1 || file.scryptR() > 32 || file.scryptP() < 1 || file.scryptP() > 16)) {
            throw HearthException.corrupt("key file " + key + " has scrypt parameters out of bounds");
        }
        if (file.nonce() == null || file.nonce().length != BlobSealer.NONCE_BYTES || file.wrappedKey() == null
                || file.wrappedKey().length != RepositoryKey.BYTES + BlobSealer.TAG_BYTES || file.salt() == null) {
            throw HearthException.corrupt("key file " + key + " is malformed");
        }
    }

    private static byte[] keyEncryptionKey(byte[] salt, int n, int r, int p, RepositorySecret secret) {
        return switch (secret) {
            case RepositorySecret.Passphrase passphrase -> {
                byte[] password = passphrase.passphrase().getBytes(StandardCharsets.UTF_8);
                // OpenSSL when it is there (a cold JVM's scrypt is slow); the same bytes from BouncyCastle otherwise.
                byte[] derived = OpenSslScrypt.derive(password, salt, n, r, p, 32).orElseGet(() -> SCrypt.generate(password, salt, n, r, p, 32));
                Arrays.fill(password, (byte) 0);
                yield derived;
            }
            case RepositorySecret.KeyMaterial material -> material.key();
            case RepositorySecret.None none -> throw new IllegalArgumentException("no secret");
        };
    }

    private byte[] gcm(int mode, byte[] kek, byte[] nonce, byte[] input) throws AEADBadTagException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(BlobSealer.TAG_BYTES * 8, nonce));
            cipher.updateAAD(repositoryId);
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }
}
