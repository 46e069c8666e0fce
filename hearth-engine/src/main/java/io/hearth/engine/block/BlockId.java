package io.hearth.engine.block;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * The name of a blob: the SHA-256 of its plain data, held as four longs so that it is compact,
 * compares by value and hashes fast. {@link #ZERO} (all bits clear) stands for an all-zero block,
 * which is never stored.
 */
public record BlockId(long w0, long w1, long w2, long w3) implements Comparable<BlockId> {
    public static final int BYTES = 32;
    public static final BlockId ZERO = new BlockId(0, 0, 0, 0);

    public static BlockId read(ByteBuffer buffer) {
        return new BlockId(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
    }

    public static BlockId read(ByteBuffer buffer, int index) {
        return new BlockId(buffer.getLong(index), buffer.getLong(index + 8), buffer.getLong(index + 16), buffer.getLong(index + 24));
    }

    public static BlockId fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a block id has 32 bytes, not " + bytes.length);
        }
        return read(ByteBuffer.wrap(bytes));
    }

    public static BlockId fromHex(String hex) {
        if (hex == null || hex.length() != BYTES * 2) {
            throw new IllegalArgumentException("a block id is 64 hex digits: " + hex);
        }
        return fromBytes(HexFormat.of().parseHex(hex));
    }

    public void write(ByteBuffer buffer) {
        buffer.putLong(w0).putLong(w1).putLong(w2).putLong(w3);
    }

    public byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(BYTES);
        write(buffer);
        return buffer.array();
    }

    public boolean isZero() {
        return (w0 | w1 | w2 | w3) == 0;
    }

    /** Unsigned, byte-wise order: the order of index objects. */
    @Override
    public int compareTo(BlockId other) {
        int c = Long.compareUnsigned(w0, other.w0);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(w1, other.w1);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(w2, other.w2);
        return c != 0 ? c : Long.compareUnsigned(w3, other.w3);
    }

    public String hex() {
        return HexFormat.of().formatHex(toBytes());
    }

    @Override
    public String toString() {
        return hex();
    }
}
