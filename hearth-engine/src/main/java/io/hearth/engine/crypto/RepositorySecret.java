package io.hearth.engine.crypto;

import io.hearth.engine.HearthException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;

/** What unlocks an encrypted repository: nothing (an unencrypted one), a passphrase, or a 256-bit key from a file. */
public sealed interface RepositorySecret {
    record None() implements RepositorySecret {}

    record Passphrase(String passphrase) implements RepositorySecret {
        public Passphrase {
            if (passphrase == null || passphrase.isEmpty()) {
                throw HearthException.badInput("the repository passphrase is empty");
            }
        }

        @Override
        public String toString() {
            return "Passphrase[hidden]";
        }
    }

    /** A key-encryption key given by the operator (for services: no one types a passphrase at start). */
    record KeyMaterial(byte[] key) implements RepositorySecret {
        public KeyMaterial {
            if (key == null || key.length != 32) {
                throw HearthException.badInput("a repository key file must hold 32 bytes, as 64 hex digits or base64");
            }
            key = key.clone();
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public String toString() {
            return "KeyMaterial[hidden]";
        }
    }

    static RepositorySecret none() {
        return new None();
    }

    /** Reads a key file: 32 bytes written as 64 hex digits or as base64, surrounding white space ignored. */
    static RepositorySecret fromKeyFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw HearthException.badInput("cannot read the key file " + file + ": " + e.getMessage());
        }
        try {
            if (text.length() == 64) {
                return new KeyMaterial(HexFormat.of().parseHex(text));
            }
            return new KeyMaterial(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw HearthException.badInput("the key file " + file + " must hold 32 bytes as 64 hex digits or base64");
        }
    }
}
