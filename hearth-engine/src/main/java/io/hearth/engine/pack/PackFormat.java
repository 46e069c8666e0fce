package io.hearth.engine.pack;

import io.hearth.engine.HearthException;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.block.Compression;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The byte layout of a pack (docs/repository-format.md, "Packs"):
 *
 * <pre>
 * blob 0 | blob 1 | ... | blob n-1                  stored bytes, back to back
 * header: n entries of 42 bytes                     type u8, compression u8, plain u32, stored u32, id [32]
 *         entry count u32, CRC-32C u32 of the entries and count
 * trailer: header length u32, magic "HRTHPAK1"
 * </pre>
 *
 * All integers big-endian. Offsets are implied by the running sum of stored lengths.
 */
public final class PackFormat {
    public static final byte[] MAGIC = "HRTHPAK1".getBytes(StandardCharsets.US_ASCII);
    public static final int ENTRY_BYTES = 1 + 1 + 4 + 4 + BlockId.BYTES;
    public static final int TRAILER_BYTES = 4 + MAGIC.length;

    private PackFormat() {}

    public static int headerLength(int entryCount) {
        return entryCount * ENTRY_BYTES + 4 + 4;
    }

    /** Appends header and trailer for {@code entries} to {@code pack}. */
    public static void writeHeader(ByteBuffer pack, List<PackEntry> entries) {
        int start = pack.position();
        for (PackEntry entry : entries) {
            pack.put((byte) entry.type().code());
            pack.put((byte) entry.compression().code());
            pack.putInt(entry.plainLength());
            pack.putInt(entry.storedLength());
            entry.id().write(pack);
        }
        pack.putInt(entries.size());
        CRC32C crc = new CRC32C();
        crc.update(pack.duplicate().position(start).limit(pack.position()));
        pack.putInt((int) crc.getValue());
        int headerLength = pack.position() - start;
        pack.putInt(headerLength);
        pack.put(MAGIC);
    }

    /** Reads the header length from a pack's trailer ({@link #TRAILER_BYTES} bytes). */
    public static int headerLength(ByteBuffer trailer, String packKey) {
        if (trailer.remaining() != TRAILER_BYTES) {
            throw HearthException.corrupt("pack " + packKey + " is too short to hold a trailer");
        }
        int headerLength = trailer.getInt(trailer.position());
        byte[] magic = new byte[MAGIC.length];
        trailer.duplicate().position(trailer.position() + 4).get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw HearthException.corrupt("pack " + packKey + " does not end with the pack magic (truncated or damaged)");
        }
        if (headerLength < 8 || (headerLength - 8) % ENTRY_BYTES != 0) {
            throw HearthException.corrupt("pack " + packKey + " has an impossible header length " + headerLength);
        }
        return headerLength;
    }

    /**
     * Parses a header read from the end of a pack and checks it against the pack's size.
     *
     * @param header the header bytes (without trailer)
     * @param packSize the pack object's size
     */
    public static List<PackEntry> parseHeader(ByteBuffer header, PackId pack, long packSize) {
        String key = pack.key();
        int length = header.remaining();
        int base = header.position();
        int count = header.getInt(base + length - 8);
        int storedCrc = header.getInt(base + length - 4);
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate().limit(base + length - 4));
        if ((int) crc.getValue() != storedCrc) {
            throw HearthException.corrupt("pack " + key + " has a damaged header (checksum mismatch)");
        }
        if ((long) count * ENTRY_BYTES + 8 != length) {
            throw HearthException.corrupt("pack " + key + " header counts " + count + " entries but has room for another number");
        }
        List<PackEntry> entries = new ArrayList<>(count);
        ByteBuffer view = header.duplicate();
        long offset = 0;
        for (int i = 0; i < count; i++) {
            BlobType type = BlobType.fromCode(view.get());
            Compression compression = Compression.fromCode(view.get());
            int plain = view.getInt();
            int stored = view.getInt();
            BlockId id = BlockId.read(view);
            entries.add(new PackEntry(id, pack, offset, stored, plain, type, compression));
            offset += stored;
        }
        if (offset + length + TRAILER_BYTES != packSize) {
            throw HearthException.corrupt("pack " + key + " is " + packSize + " bytes but its header accounts for "
                    + (offset + length + TRAILER_BYTES));
        }
        return entries;
    }
}
