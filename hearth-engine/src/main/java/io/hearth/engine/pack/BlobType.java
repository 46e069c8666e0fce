package io.hearth.engine.pack;

import io.hearth.engine.HearthException;

/** What a blob in a pack holds. */
public enum BlobType {
    /** A block of volume data. */
    DATA(0),
    /** A page of a backup's block list (ids of blocks, or of lower pages). */
    PAGE(1);

    private final int code;

    BlobType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static BlobType fromCode(int code) {
        return switch (code) {
            case 0 -> DATA;
            case 1 -> PAGE;
            default -> throw HearthException.corrupt("unknown blob type " + code);
        };
    }
}
