package io.hearth.nbd;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers of one size, reused: a READ reply is read from the file into one and written to the socket from it,
 * with no per-request allocation and no copy through the heap. At most {@code max} are ever made, so the direct memory
 * a server holds is bounded whatever its clients ask; when all are in use the caller takes the heap path. Lock-free:
 * every READ of every connection takes and gives one.
 */
final class BufferPool {
    private final int size;
    private final int max;
    private final Queue<ByteBuffer> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger made = new AtomicInteger();

    BufferPool(int size, int max) {
        this.size = size;
        this.max = max;
    }

    /** A buffer with {@code length} (at most the pool's size) bytes of room from position 0, or empty if all are in use. */
    Optional<ByteBuffer> take(int length) {
        ByteBuffer buffer = idle.poll();
        if (buffer == null) {
            if (made.incrementAndGet() > max) {
                made.decrementAndGet();
                return Optional.empty();
            }
            buffer = ByteBuffer.allocateDirect(size);
        }
        return Optional.of(buffer.clear().limit(length));
    }

    void give(ByteBuffer buffer) {
        idle.offer(buffer);
    }
}
