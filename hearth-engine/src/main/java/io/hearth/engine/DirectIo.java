package io.hearth.engine;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads and writes around the page cache (O_DIRECT) for the bulk data that passes once: a volume being backed up, the
 * packs written. Copying it through the page cache cost the full backup more CPU than anything but hashing and
 * compressing, and it evicted what the host had cached. O_DIRECT wants the buffer's address, the file position and the
 * length aligned to {@value #ALIGNMENT} bytes: callers send the aligned part that way and the rest through an ordinary
 * channel.
 */
public final class DirectIo {
    public static final int ALIGNMENT = 4096;
    /** Below this, the page cache's copy costs less than a synchronous write to the disk. */
    public static final int MIN_BYTES = 1 << 20;

    private DirectIo() {}

    /** A direct buffer of exactly {@code capacity} bytes whose first byte is aligned for O_DIRECT. */
    public static ByteBuffer allocate(int capacity) {
        int pages = (capacity + ALIGNMENT - 1) / ALIGNMENT;
        // alignedSlice rounds both ends inwards: one page more leaves room for the start's rounding
        return ByteBuffer.allocateDirect((pages + 1) * ALIGNMENT).alignedSlice(ALIGNMENT).limit(capacity).slice();
    }

    /**
     * {@code count} buffers as {@link #allocate} makes them, cut from one allocation. Where malloc asks for transparent
     * huge pages (the launcher sets glibc.malloc.hugetlb), a large region is faulted in 2 MiB at a time, while separate
     * buffers of a few megabytes began and ended off 2 MiB boundaries and were faulted in 4 KiB at a time: on a virtual
     * machine 15-20 µs each, a tenth of a 2 GiB restore's CPU time.
     */
    public static List<ByteBuffer> allocateAll(int count, int capacity) {
        int stride = (capacity + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        ByteBuffer all = allocate(Math.multiplyExact(count, stride));
        List<ByteBuffer> buffers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            buffers.add(all.slice(i * stride, capacity));
        }
        return buffers;
    }

    /**
     * Opens {@code path} with O_DIRECT, or returns empty where the file system refuses it or wants a coarser alignment
     * than {@value #ALIGNMENT} bytes.
     */
    public static Optional<FileChannel> open(Path path, OpenOption... options) {
        try {
            if (Files.getFileStore(path.getParent() != null && !Files.exists(path) ? path.getParent() : path).getBlockSize() > ALIGNMENT) {
                return Optional.empty();
            }
            OpenOption[] direct = Stream.concat(Stream.of(options), Stream.of(ExtendedOpenOption.DIRECT)).toArray(OpenOption[]::new);
            return Optional.of(FileChannel.open(path, direct));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** A positional read or write of a channel. */
    @FunctionalInterface
    public interface Transfer {
        int at(ByteBuffer buffer, long position) throws IOException;
    }

    /**
     * Moves the first {@code length} bytes of {@code buffer} (an {@link #alignedLength}) through {@code io}, an O_DIRECT
     * read or write at {@code position}, and advances the buffer by what moved. It stops at a short transfer, after
     * which the rest is no longer aligned, and at an error: the caller moves the rest through the page cache.
     *
     * @return false if the file system refused the transfer (an error), true otherwise
     */
    public static boolean transfer(ByteBuffer buffer, long position, int length, Transfer io) {
        ByteBuffer part = buffer.slice(buffer.position(), length);
        boolean accepted = true;
        try {
            while (part.hasRemaining() && part.position() % ALIGNMENT == 0) {
                if (io.at(part, position + part.position()) <= 0) {
                    break;
                }
            }
        } catch (IOException e) {
            accepted = false; // a disk's own error recurs through the page cache and is reported there
        }
        buffer.position(buffer.position() + part.position());
        return accepted;
    }

    /**
     * How many leading bytes of {@code buffer} (from its position) can go through an O_DIRECT channel at file position
     * {@code position}: a whole number of aligned units, or none when the buffer is on the heap, misaligned, or small.
     */
    public static int alignedLength(ByteBuffer buffer, long position) {
        if (!buffer.isDirect() || buffer.remaining() < ALIGNMENT || position % ALIGNMENT != 0
                || buffer.alignmentOffset(buffer.position(), ALIGNMENT) != 0) {
            return 0;
        }
        return buffer.remaining() / ALIGNMENT * ALIGNMENT;
    }
}
