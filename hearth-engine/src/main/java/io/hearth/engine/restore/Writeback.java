package io.hearth.engine.restore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Flushes a restore's output in the background while it is being written. Left to the kernel, written data waits in
 * the page cache until the final flush, and the disk then writes the whole volume while the CPUs wait; a flush every
 * {@code step} bytes lets the disk write one stretch while the workers decode the next. One flush at a time; the
 * restore is durable only after {@link #finish()}.
 */
final class Writeback {
    private final FileChannel channel;
    private final long step;
    private final AtomicLong sinceFlush = new AtomicLong();
    private CompletableFuture<Void> running = CompletableFuture.completedFuture(null);

    Writeback(FileChannel channel, long step) {
        this.channel = channel;
        this.step = step;
    }

    /** Counts bytes written; starts a background flush when a step's worth is unflushed and none is running. */
    void wrote(long bytes) {
        if (sinceFlush.addAndGet(bytes) < step) {
            return;
        }
        synchronized (this) {
            if (running.isDone() && sinceFlush.get() >= step) {
                sinceFlush.set(0);
                running = CompletableFuture.runAsync(this::force, Thread::startVirtualThread);
            }
        }
    }

    /** Waits for a background flush, then flushes what is left: everything written is on the disk when this returns. */
    void finish() throws IOException {
        CompletableFuture<Void> last;
        synchronized (this) {
            last = running;
        }
        try {
            last.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while flushing the restored data", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UncheckedIOException unchecked ? unchecked.getCause() : new IOException(e.getCause());
        }
        channel.force(false);
    }

    private void force() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
