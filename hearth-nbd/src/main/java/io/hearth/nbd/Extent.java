package io.hearth.nbd;

/**
 * A run of bytes that is either allocated data or a hole that reads as zeros.
 *
 * @param offset where it starts
 * @param length how long it is
 * @param hole whether it is unallocated and reads as zeros
 */
public record Extent(long offset, long length, boolean hole) {
    public Extent {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("bad extent " + offset + "+" + length);
        }
    }

    public long end() {
        return offset + length;
    }
}
