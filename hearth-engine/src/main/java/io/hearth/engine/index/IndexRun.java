package io.hearth.engine.index;

import io.hearth.engine.block.BlockId;
import io.hearth.engine.pack.PackEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One index object, kept as a local file and searched with positional reads.
 *
 * <p>Only a sparse fence (the first word of every {@value #FENCE_EVERY}th id) lives in memory, so
 * the memory an index costs is about 1/500 of its size (8 bytes per 64 entries of 64 bytes): the dedup index never lives wholly in
 * the heap, whatever the repository holds. The groups of entries read lately stay in a bounded {@link IndexGroupCache}.
 */
public final class IndexRun implements AutoCloseable {
    static final int FENCE_EVERY = 64;

    private final String name;
    private final FileChannel channel;
    private final int count;
    private final long[] fence;
    private final BlockId first;
    private final BlockId last;
    private final IndexGroupCache groups;
    private final int number;

    private IndexRun(String name, FileChannel channel, int count, long[] fence, BlockId first, BlockId last, IndexGroupCache groups) {
        this.name = name;
        this.channel = channel;
        this.count = count;
        this.fence = fence;
        this.first = first;
        this.last = last;
        this.groups = groups;
        this.number = groups.newRun();
    }

    /** Opens a local copy of an index object whose checksum has already been checked; it reads every lookup's entries. */
    public static IndexRun open(String name, Path file) throws IOException {
        return open(name, file, new IndexGroupCache(0));
    }

    /** Opens a local copy of an index object whose checksum has already been checked, keeping groups read in {@code groups}. */
    public static IndexRun open(String name, Path file, IndexGroupCache groups) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer header = ByteBuffer.allocate(IndexFormat.HEADER_BYTES);
            readFully(channel, header, 0);
            int count = header.getInt(IndexFormat.MAGIC.length);
            long[] fence = new long[(count + FENCE_EVERY - 1) / FENCE_EVERY];
            // Only the first word of every group is needed: read those, not the whole object.
            ByteBuffer word = ByteBuffer.allocate(Long.BYTES);
            for (int group = 0; group < fence.length; group++) {
                word.clear();
                readFully(channel, word, entryPosition(group * FENCE_EVERY));
                fence[group] = word.getLong(0);
            }
            BlockId first = null;
            BlockId last = null;
            if (count > 0) {
                ByteBuffer id = ByteBuffer.allocate(BlockId.BYTES);
                readFully(channel, id, entryPosition(0));
                first = BlockId.read(id, 0);
                id.clear();
                readFully(channel, id, entryPosition(count - 1));
                last = BlockId.read(id, 0);
            }
            return new IndexRun(name, channel, count, fence, first, last, groups);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static long entryPosition(int index) {
        return IndexFormat.HEADER_BYTES + (long) index * IndexFormat.ENTRY_BYTES;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new java.io.EOFException("index file ends early");
            }
            position += n;
        }
    }

    public String name() {
        return name;
    }

    public int count() {
        return count;
    }

    public Optional<PackEntry> find(BlockId id) {
        if (count == 0 || id.compareTo(first) < 0 || id.compareTo(last) > 0) {
            return Optional.empty();
        }
        long word = id.w0();
        // Ids sharing the first word may straddle groups: read from the last group whose fence is
        // below the word through the last group whose fence is not above it.
        int fromGroup = Math.max(0, firstFenceNotBelow(word) - 1);
        int toGroup = Math.max(fromGroup, firstFenceAbove(word) - 1);
        // Almost always one group, kept in the cache; ids sharing a first word across groups are read each time.
        ByteBuffer buffer = fromGroup == toGroup ? group(fromGroup) : read(fromGroup, toGroup);
        int entries = buffer.capacity() / IndexFormat.ENTRY_BYTES;
        int lo = 0;
        int hi = entries - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            BlockId candidate = BlockId.read(buffer, mid * IndexFormat.ENTRY_BYTES);
            int c = candidate.compareTo(id);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return Optional.of(IndexFormat.readEntry(buffer, mid * IndexFormat.ENTRY_BYTES));
            }
        }
        return Optional.empty();
    }

    private ByteBuffer group(int group) {
        ByteBuffer cached = groups.get(number, group);
        if (cached == null) {
            cached = read(group, group);
            groups.put(number, group, cached);
        }
        return cached;
    }

    /** The entries of groups {@code fromGroup} through {@code toGroup}, read from the file. */
    private ByteBuffer read(int fromGroup, int toGroup) {
        int firstEntry = fromGroup * FENCE_EVERY;
        int entries = Math.min(count, (toGroup + 1) * FENCE_EVERY) - firstEntry;
        ByteBuffer buffer = ByteBuffer.allocate(entries * IndexFormat.ENTRY_BYTES);
        try {
            readFully(channel, buffer, entryPosition(firstEntry));
        } catch (IOException e) {
            throw new UncheckedIOException("reading index " + name, e);
        }
        return buffer;
    }

    private int firstFenceNotBelow(long word) {
        int low = 0;
        int high = fence.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Long.compareUnsigned(fence[mid], word) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private int firstFenceAbove(long word) {
        int low = 0;
        int high = fence.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Long.compareUnsigned(fence[mid], word) <= 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Reads the entries in id order, a chunk at a time: for merging runs with flat memory. */
    public final class Cursor {
        private final ByteBuffer chunk = ByteBuffer.allocate(FENCE_EVERY * IndexFormat.ENTRY_BYTES);
        private int next;
        private int chunkStart = -1;
        private int chunkEntries;

        public boolean hasNext() {
            return next < count;
        }

        private PackEntry peek() throws IOException {
            if (chunkStart < 0 || next >= chunkStart + chunkEntries) {
                chunkStart = next;
                chunkEntries = Math.min(FENCE_EVERY, count - next);
                chunk.clear().limit(chunkEntries * IndexFormat.ENTRY_BYTES);
                readFully(channel, chunk, entryPosition(chunkStart));
            }
            return IndexFormat.readEntry(chunk, (next - chunkStart) * IndexFormat.ENTRY_BYTES);
        }

        public PackEntry next() throws IOException {
            PackEntry entry = peek();
            next++;
            return entry;
        }
    }

    public Cursor cursor() {
        return new Cursor();
    }

    @Override
    public void close() throws IOException {
        groups.forget(number);
        channel.close();
    }
}
