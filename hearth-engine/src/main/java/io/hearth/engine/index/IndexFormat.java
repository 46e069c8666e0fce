package io.hearth.engine.index;

import io.hearth.engine.HearthException;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.block.Compression;
import io.hearth.engine.pack.BlobType;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The byte layout of an index object (docs/repository-format.md, "Index"):
 *
 * <pre>
 * magic "HRTHIDX1" | entry count u32 | entries sorted by block id, 64 bytes each | CRC-32C u32 of all before it
 * entry: id [32] | pack id [16] | offset u32 | stored u32 | plain u32 | type u8 | compression u8 | reserved [2]
 * </pre>
 */
public final class IndexFormat {
    public static final byte[] MAGIC = "HRTHIDX1".getBytes(StandardCharsets.US_ASCII);
    public static final int HEADER_BYTES = MAGIC.length + 4;
    public static final int ENTRY_BYTES = 64;

    private IndexFormat() {}

    public static int objectLength(int entryCount) {
        return HEADER_BYTES + entryCount * ENTRY_BYTES + 4;
    }

    /** Serializes entries, which must already be sorted by id. */
    public static ByteBuffer write(List<PackEntry> sortedEntries) {
        ByteBuffer buffer = ByteBuffer.allocate(objectLength(sortedEntries.size()));
        buffer.put(MAGIC).putInt(sortedEntries.size());
        BlockId previous = null;
        for (PackEntry entry : sortedEntries) {
            if (previous != null && previous.compareTo(entry.id()) > 0) {
                throw new IllegalArgumentException("index entries are not sorted");
            }
            previous = entry.id();
            writeEntry(buffer, entry);
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        return buffer.flip();
    }

    public static void writeEntry(ByteBuffer buffer, PackEntry entry) {
        if (entry.offset() > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("offset too large for the index format");
        }
        entry.id().write(buffer);
        entry.pack().write(buffer);
        buffer.putInt((int) entry.offset());
        buffer.putInt(entry.storedLength());
        buffer.putInt(entry.plainLength());
        buffer.put((byte) entry.type().code());
        buffer.put((byte) entry.compression().code());
        buffer.putShort((short) 0);
    }

    public static PackEntry readEntry(ByteBuffer buffer, int at) {
        BlockId id = BlockId.read(buffer, at);
        PackId pack = new PackId(buffer.getLong(at + 32), buffer.getLong(at + 40));
        long offset = Integer.toUnsignedLong(buffer.getInt(at + 48));
        int stored = buffer.getInt(at + 52);
        int plain = buffer.getInt(at + 56);
        BlobType type = BlobType.fromCode(buffer.get(at + 60));
        Compression compression = Compression.fromCode(buffer.get(at + 61));
        return new PackEntry(id, pack, offset, stored, plain, type, compression);
    }

    /** Checks magic, length and checksum of a whole index object; returns its entry count. */
    public static int check(ByteBuffer object, String key) {
        int length = object.remaining();
        if (length < HEADER_BYTES + 4) {
            throw HearthException.corrupt("index object " + key + " is too short; run 'hearth repo rebuild-index'");
        }
        byte[] magic = new byte[MAGIC.length];
        object.duplicate().get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw HearthException.corrupt("index object " + key + " has no index magic; run 'hearth repo rebuild-index'");
        }
        int count = object.getInt(object.position() + MAGIC.length);
        if (count < 0 || (long) objectLength(count) != length) {
            throw HearthException.corrupt("index object " + key + " has a wrong length; run 'hearth repo rebuild-index'");
        }
        CRC32C crc = new CRC32C();
        crc.update(object.duplicate().limit(object.position() + length - 4));
        if ((int) crc.getValue() != object.getInt(object.position() + length - 4)) {
            throw HearthException.corrupt("index object " + key + " is damaged (checksum mismatch); run 'hearth repo rebuild-index'");
        }
        return count;
    }
}
