package io.hearth.engine.pack;

import io.hearth.engine.DirectIo;
import io.hearth.engine.block.BlockCodec;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.block.Compression;
import io.hearth.engine.target.BackupTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gathers compressed blobs into packs and uploads full packs in the background.
 *
 * <p>Memory is bounded: at most {@code maxUploads} packs are in flight and one is being filled;
 * their buffers are direct and reused. Blobs are only reported (by {@link #takeDurable}) once the
 * pack holding them is on the target, so an index never names a pack that is not there.
 */
public final class PackWriter implements AutoCloseable {
    /** Few enough entries that a pack's header stays small even when blobs compress to almost nothing. */
    static final int MAX_ENTRIES_PER_PACK = 16384;

    private final BackupTarget target;
    private final int packSize;
    private final int bufferCapacity;
    private final BlockingQueue<ByteBuffer> freeBuffers;
    private final ExecutorService uploader = Executors.newVirtualThreadPerTaskExecutor();
    private final Phaser inFlight = new Phaser(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<PackEntry> durable = new ArrayList<>();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong packsWritten = new AtomicLong();

    private ByteBuffer current;
    private PackId currentId;
    private List<PackEntry> currentEntries = new ArrayList<>();
    private int allocatedBuffers;
    private final int maxBuffers;

    public PackWriter(BackupTarget target, int packSize, int maxBlobLength, int maxUploads) {
        this.target = target;
        this.packSize = packSize;
        this.bufferCapacity = packSize + BlockCodec.maxCompressedLength(maxBlobLength) + PackFormat.headerLength(MAX_ENTRIES_PER_PACK) + PackFormat.TRAILER_BYTES;
        this.maxBuffers = maxUploads + 1;
        this.freeBuffers = new ArrayBlockingQueue<>(maxBuffers);
    }

    /** Adds a blob; thread-safe. {@code stored} (position to limit) is copied, so the caller may reuse it. */
    public synchronized void add(BlobType type, BlockId id, Compression compression, int plainLength, ByteBuffer stored) throws IOException {
        checkFailure();
        if (current == null) {
            current = takeBuffer();
            currentId = PackId.random();
        }
        int offset = current.position();
        current.put(stored.duplicate());
        currentEntries.add(new PackEntry(id, currentId, offset, stored.remaining(), plainLength, type, compression));
        if (current.position() >= packSize || currentEntries.size() >= MAX_ENTRIES_PER_PACK) {
            sealCurrent();
        }
    }

    private ByteBuffer takeBuffer() throws IOException {
        ByteBuffer buffer = freeBuffers.poll();
        if (buffer == null && allocatedBuffers < maxBuffers) {
            allocatedBuffers++;
            return DirectIo.allocate(bufferCapacity); // so that a posix target can write it with O_DIRECT
        }
        try {
            while (buffer == null) {
                buffer = freeBuffers.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                checkFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for an upload to finish", e);
        }
        return buffer.clear();
    }

    private void sealCurrent() {
        ByteBuffer pack = current;
        PackId id = currentId;
        List<PackEntry> entries = currentEntries;
        current = null;
        currentId = null;
        currentEntries = new ArrayList<>();
        PackFormat.writeHeader(pack, entries);
        pack.flip();
        inFlight.register();
        uploader.execute(() -> {
            try {
                target.putIfAbsent(id.key(), pack);
                bytesWritten.addAndGet(pack.remaining());
                packsWritten.incrementAndGet();
                synchronized (durable) {
                    durable.addAll(entries);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                freeBuffers.offer(pack.clear());
                inFlight.arriveAndDeregister();
            }
        });
    }

    private void checkFailure() throws IOException {
        Throwable t = failure.get();
        if (t != null) {
            if (t instanceof IOException io) {
                throw new IOException("writing a pack failed: " + io.getMessage(), io);
            }
            if (t instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UncheckedIOException(new IOException(t));
        }
    }

    /** Closes the pack being filled and waits until every pack is on the target. */
    public void flush() throws IOException {
        synchronized (this) {
            if (current != null && !currentEntries.isEmpty()) {
                sealCurrent();
            }
        }
        inFlight.arriveAndAwaitAdvance();
        checkFailure();
    }

    /** Entries of blobs now durable on the target, handed over once (the caller indexes them). */
    public List<PackEntry> takeDurable() {
        synchronized (durable) {
            List<PackEntry> taken = new ArrayList<>(durable);
            durable.clear();
            return taken;
        }
    }

    public int durableCount() {
        synchronized (durable) {
            return durable.size();
        }
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    public long packsWritten() {
        return packsWritten.get();
    }

    @Override
    public void close() {
        uploader.shutdown();
        try {
            uploader.awaitTermination(1, java.util.concurrent.TimeUnit.HOURS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
