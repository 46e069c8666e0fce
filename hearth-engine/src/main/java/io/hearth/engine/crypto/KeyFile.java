package io.hearth.engine.crypto;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One {@code keys/<id>.json} object: the repository key sealed with AES-256-GCM under a key-encryption key, which is
 * derived from a passphrase with scrypt ({@code kdf = "scrypt"}) or is an operator's key file ({@code kdf = "none"}).
 * The repository id is the sealing's associated data, so a key file cannot be moved to another repository.
 */
public record KeyFile(
        @JsonProperty("id") String id,
        @JsonProperty("kdf") String kdf,
        @JsonProperty("scrypt_n") int scryptN,
        @JsonProperty("scrypt_r") int scryptR,
        @JsonProperty("scrypt_p") int scryptP,
        @JsonProperty("salt") byte[] salt,
        @JsonProperty("nonce") byte[] nonce,
        @JsonProperty("wrapped_key") byte[] wrappedKey,
        @JsonProperty("created_at") Instant createdAt) {

    static final String SCRYPT = "scrypt";
    static final String NONE = "none";
    static final String PREFIX = "keys/";

    String objectKey() {
        return PREFIX + id + ".json";
    }
}
