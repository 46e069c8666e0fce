package io.hearth.engine.index;

import io.hearth.engine.block.BlockId;
import io.hearth.engine.pack.PackEntry;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Builds one index object from entries arriving in id order, straight into its final buffer. */
final class IndexObjectBuilder {
    private final ByteBuffer buffer;
    private final int capacity;
    private int count;
    private BlockId last;

    IndexObjectBuilder(int capacity) {
        this.capacity = capacity;
        this.buffer = ByteBuffer.allocate(IndexFormat.objectLength(capacity));
        buffer.put(IndexFormat.MAGIC).putInt(0);
    }

    boolean isFull() {
        return count == capacity;
    }

    boolean isEmpty() {
        return count == 0;
    }

    void add(PackEntry entry) {
        if (last != null && last.compareTo(entry.id()) > 0) {
            throw new IllegalArgumentException("index entries out of order");
        }
        last = entry.id();
        IndexFormat.writeEntry(buffer, entry);
        count++;
    }

    /** The finished object, positioned at 0. */
    ByteBuffer finish() {
        buffer.putInt(IndexFormat.MAGIC.length, count);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        return buffer.flip();
    }
}
