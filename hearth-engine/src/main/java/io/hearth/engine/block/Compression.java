package io.hearth.engine.block;

import io.hearth.engine.HearthException;
import java.util.Locale;

/**
 * How a blob is compressed. The code is what the pack header stores; the names follow cinder's
 * {@code backup_compression_algorithm} values.
 */
public enum Compression {
    NONE(0),
    ZSTD(1),
    ZLIB(2);

    private final int code;

    Compression(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Compression fromCode(int code) {
        for (Compression compression : values()) {
            if (compression.code == code) {
                return compression;
            }
        }
        throw HearthException.corrupt("unknown compression code " + code);
    }

    /** Parses cinder's names: none/off/no, zlib/gzip, zstd. bz2 is refused with what to use instead. */
    public static Compression fromName(String name) {
        String value = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "none", "off", "no" -> NONE;
            case "zlib", "gzip" -> ZLIB;
            case "zstd" -> ZSTD;
            case "bz2", "bzip2" -> throw HearthException.badInput(
                    "compression '" + name + "' is not supported (it is slow); use zstd, zlib or none");
            default -> throw HearthException.badInput(
                    "unknown compression '" + name + "'; use zstd, zlib or none");
        };
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
