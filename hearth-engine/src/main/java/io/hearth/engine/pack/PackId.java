package io.hearth.engine.pack;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;

/** A pack's random 128-bit name. Packs are create-only, so a random name never collides in practice. */
public record PackId(long high, long low) {
    public static final int BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    public static PackId random() {
        return new PackId(RANDOM.nextLong(), RANDOM.nextLong());
    }

    public static PackId read(ByteBuffer buffer) {
        return new PackId(buffer.getLong(), buffer.getLong());
    }

    public static PackId fromHex(String hex) {
        if (hex == null || hex.length() != BYTES * 2) {
            throw new IllegalArgumentException("a pack id is 32 hex digits: " + hex);
        }
        ByteBuffer buffer = ByteBuffer.wrap(HexFormat.of().parseHex(hex));
        return read(buffer);
    }

    public void write(ByteBuffer buffer) {
        buffer.putLong(high).putLong(low);
    }

    public String hex() {
        return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }

    /** The object key: {@code packs/<first two hex digits>/<32 hex digits>}. */
    public String key() {
        String hex = hex();
        return "packs/" + hex.substring(0, 2) + "/" + hex;
    }

    /** Parses a key made by {@link #key()}, or returns null if it is not one. */
    public static PackId fromKey(String key) {
        if (!key.startsWith("packs/") || key.length() != "packs/".length() + 3 + BYTES * 2) {
            return null;
        }
        try {
            return fromHex(key.substring(key.length() - BYTES * 2));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return hex();
    }
}
