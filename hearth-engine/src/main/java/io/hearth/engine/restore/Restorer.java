package io.hearth.engine.restore;

import io.hearth.engine.DirectIo;
import io.hearth.engine.HearthException;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.block.BlobFormat;
import io.hearth.engine.block.BlockCodec;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.blocklist.BlockListReader;
import io.hearth.engine.index.RepositoryIndex;
import io.hearth.engine.pack.BlobReader;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackId;
import io.hearth.engine.target.BackupTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The restore data path, the backup's in reverse: walk the block list, coalesce blobs that lie
 * side by side in one pack into one ranged read, read several runs at once on virtual threads,
 * then decompress, verify and write them with positional writes on the worker pool into a
 * {@link RestoreSink}. Runs of all-zero blocks are one zero() each: holes in a regular file,
 * write-zeroes on an NBD export.
 */
public final class Restorer {
    /** Largest single ranged read: big enough to stream, small enough to bound memory. */
    static final int MAX_RUN_BYTES = 4 << 20;
    /** Adjacent blocks are written together, up to this many bytes per write. */
    static final int MAX_WRITE_BYTES = 4 << 20;
    /** Runs read ahead of the workers: a deep enough queue for a virtual or network disk. */
    static final int READ_AHEAD = 14;

    private final BackupTarget target;
    private final RepositoryIndex index;
    private final BlockListReader.PageLoader pages;
    private final int threads;
    private final BlobFormat format;

    public Restorer(BackupTarget target, BlobFormat format, RepositoryIndex index, BlockListReader.PageLoader pages, int threads) {
        this.format = format;
        this.target = target;
        this.index = index;
        this.pages = pages;
        this.threads = threads;
    }

    private record Blob(long volumeOffset, PackEntry entry) {}

    private record Run(PackId pack, long packOffset, int length, List<Blob> blobs) {}

    /** Restores into a regular file (created or truncated, zero blocks left as holes) or a block device. */
    public RestoreResult restore(BackupManifest manifest, Path targetPath, ProgressListener progress) throws IOException {
        try (FileRestoreSink sink = FileRestoreSink.open(targetPath, manifest.sourceSize())) {
            return restore(manifest, sink, progress);
        }
    }

    public RestoreResult restore(BackupManifest manifest, RestoreSink sink, ProgressListener progress) throws IOException {
        long started = System.nanoTime();
        long size = manifest.sourceSize();
        if (sink.capacity() < size) {
            throw HearthException.badInput("backup " + manifest.id() + " has " + size + " bytes; " + sink.description() + " only "
                    + sink.capacity());
        }
        Plan plan;
        try (Session session = new Session(manifest, sink, progress)) {
            BlockListReader list = new BlockListReader(manifest.blockList(), pages);
            plan = new Plan(session);
            for (long i = 0; list.hasNext(); i++) {
                plan.block(i, list.next());
            }
            plan.finish();
            session.awaitAll();
            sink.flush();
        }
        progress.progress(size, size);
        return new RestoreResult(size, plan.session.written.get(), plan.zeroBlocks, (System.nanoTime() - started) / 1e9);
    }

    /**
     * Turns the block list, one block at a time, into zeroed ranges and runs of blobs to read. The step per block is a
     * method of its own: a loop's body inside one long call runs in the interpreter until the JIT compiles the whole
     * call on the stack, which for a 2 GiB volume came at its last blocks; a method called per block is compiled
     * after a few hundred.
     */
    private final class Plan {
        private final Session session;
        private final BackupManifest manifest;
        private final RestoreSink sink;
        private Run run;
        private long zeroFrom = -1; // where the current run of zero blocks began; one zero() call covers it
        private long zeroBlocks;

        Plan(Session session) {
            this.session = session;
            this.manifest = session.manifest;
            this.sink = session.sink;
        }

        void block(long i, BlockId id) throws IOException {
            long offset = i * manifest.blockSize();
            int length = (int) Math.min(manifest.blockSize(), session.size - offset);
            if (id.isZero()) {
                zeroBlocks++;
                zeroFrom = zeroFrom < 0 ? offset : zeroFrom;
                session.done.addAndGet(length);
                return;
            }
            if (zeroFrom >= 0) {
                sink.zero(zeroFrom, offset - zeroFrom);
                zeroFrom = -1;
            }
            PackEntry entry = index.find(id).orElseThrow(() -> missing(manifest, offset, id));
            if (entry.plainLength() != length) {
                throw HearthException.corrupt("backup " + manifest.id() + ": block at volume offset " + offset
                        + " is indexed with length " + entry.plainLength() + ", expected " + length);
            }
            if (run != null && run.pack().equals(entry.pack()) && run.packOffset() + run.length() == entry.offset()
                    && run.length() + entry.storedLength() <= MAX_RUN_BYTES) {
                run.blobs().add(new Blob(offset, entry));
                run = new Run(run.pack(), run.packOffset(), run.length() + entry.storedLength(), run.blobs());
            } else {
                if (run != null) {
                    session.submit(run);
                }
                List<Blob> blobs = new ArrayList<>();
                blobs.add(new Blob(offset, entry));
                run = new Run(entry.pack(), entry.offset(), entry.storedLength(), blobs);
            }
        }

        void finish() throws IOException {
            if (zeroFrom >= 0) {
                sink.zero(zeroFrom, session.size - zeroFrom);
            }
            if (run != null) {
                session.submit(run);
            }
        }
    }

    private static HearthException missing(BackupManifest manifest, long offset, BlockId id) {
        return HearthException.corrupt("backup " + manifest.id() + ": block at volume offset " + offset + " (" + id
                + ") is not in the repository index; run 'hearth repo rebuild-index', then 'hearth repo verify'");
    }

    /** One restore in progress: the target, the worker pool and its per-thread buffers, the runs in flight. */
    private final class Session implements AutoCloseable {
        private final BackupManifest manifest;
        private final RestoreSink sink;
        private final long size;
        private final ProgressListener progress;
        private final ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("restore-", 0).daemon().factory());
        private final List<BlobReader> allReaders = new ArrayList<>();
        private final ThreadLocal<BlobReader> readers = ThreadLocal.withInitial(() -> {
            BlobReader reader = new BlobReader(target, format);
            synchronized (allReaders) {
                allReaders.add(reader);
            }
            return reader;
        });
        private final ThreadLocal<WriteBuffers> writeBuffers;
        private final List<WriteBuffers> allWriteBuffers = new ArrayList<>();
        private final ExecutorService writes = Executors.newVirtualThreadPerTaskExecutor();
        /** One buffer per run in flight, read ahead or being decoded. */
        private final BlockingQueue<ByteBuffer> runBuffers;
        private final ExecutorService reads = Executors.newVirtualThreadPerTaskExecutor();
        private final AtomicLong written = new AtomicLong();
        private final AtomicLong done = new AtomicLong();
        private final BlockingQueue<CompletableFuture<Void>> inFlight;

        Session(BackupManifest manifest, RestoreSink sink, ProgressListener progress) {
            this.manifest = manifest;
            this.sink = sink;
            this.size = manifest.sourceSize();
            this.progress = progress;
            int coalesce = Math.max(MAX_WRITE_BYTES, manifest.blockSize());
            this.writeBuffers = ThreadLocal.withInitial(() -> {
                WriteBuffers buffers = new WriteBuffers(coalesce);
                synchronized (allWriteBuffers) {
                    allWriteBuffers.add(buffers);
                }
                return buffers;
            });
            int window = threads + READ_AHEAD;
            this.inFlight = new ArrayBlockingQueue<>(window);
            int runCapacity = Math.max(MAX_RUN_BYTES, BlockCodec.maxCompressedLength(manifest.blockSize()));
            // a page more than a run: read() places a run like it lies in its pack, so a posix target reads it with O_DIRECT
            this.runBuffers = new ArrayBlockingQueue<>(window, false, DirectIo.allocateAll(window, runCapacity + DirectIo.ALIGNMENT));
        }

        /** Reads one run on a virtual thread, then restores it on the pool; waits first if the window of runs in flight is full. */
        void submit(Run run) throws IOException {
            if (inFlight.remainingCapacity() == 0) {
                join(inFlight.poll());
            }
            ByteBuffer buffer = runBuffers.remove();
            inFlight.add(CompletableFuture.supplyAsync(() -> read(run, buffer), reads).thenAcceptAsync(stored -> {
                try {
                    restoreRun(run, stored);
                } finally {
                    runBuffers.add(buffer);
                }
            }, pool));
        }

        private ByteBuffer read(Run run, ByteBuffer buffer) {
            try {
                ByteBuffer placed = buffer.clear().slice((int) (run.packOffset() % DirectIo.ALIGNMENT), run.length());
                target.readInto(run.pack().key(), run.packOffset(), placed);
                return placed.flip();
            } catch (IOException e) {
                runBuffers.add(buffer);
                Blob first = run.blobs().getFirst();
                throw HearthException.corrupt("backup " + manifest.id() + ": cannot read the block at volume offset " + first.volumeOffset()
                        + " from pack " + run.pack() + ": " + e.getMessage());
            }
        }

        private void restoreRun(Run run, ByteBuffer stored) {
            BlobReader reader = readers.get();
            WriteBuffers buffers = writeBuffers.get();
            ByteBuffer pending = buffers.take();
            // Blocks that are adjacent in the volume are decoded side by side and written with one call.
            long pendingOffset = -1;
            for (Blob blob : run.blobs()) {
                int plainLength = blob.entry().plainLength();
                boolean adjacent = pendingOffset >= 0 && pendingOffset + pending.position() == blob.volumeOffset();
                if (pendingOffset >= 0 && (!adjacent || pending.remaining() < plainLength)) {
                    buffers.write(pending, pendingOffset);
                    pending = buffers.take();
                    pendingOffset = -1;
                }
                if (pendingOffset < 0) {
                    pendingOffset = blob.volumeOffset();
                }
                ByteBuffer slice = stored.slice((int) (blob.entry().offset() - run.packOffset()), blob.entry().storedLength());
                ByteBuffer block = pending.slice(pending.position(), plainLength);
                try {
                    reader.decodeAndVerify(blob.entry(), slice, block);
                } catch (HearthException e) {
                    throw HearthException.corrupt("backup " + manifest.id() + ": block at volume offset " + blob.volumeOffset()
                            + " is damaged (" + e.getMessage() + "); nothing wrong was written there");
                }
                pending.position(pending.position() + plainLength);
                written.addAndGet(plainLength);
                progress.progress(done.addAndGet(plainLength), size);
            }
            if (pendingOffset >= 0) {
                buffers.write(pending, pendingOffset);
            }
        }

        /**
         * A worker's two coalescing buffers: one is written while the other fills, as a write around the page cache
         * waits for the disk. Aligned, so that a file sink writes them that way.
         */
        private final class WriteBuffers {
            private final ByteBuffer[] buffers;
            private final java.util.concurrent.atomic.AtomicReferenceArray<CompletableFuture<Void>> writing =
                    new java.util.concurrent.atomic.AtomicReferenceArray<>(new CompletableFuture[] {DONE, DONE});
            private int current;

            WriteBuffers(int capacity) {
                buffers = DirectIo.allocateAll(2, capacity).toArray(ByteBuffer[]::new);
            }

            /** The buffer to fill next, once its previous write is done. */
            ByteBuffer take() {
                try {
                    join(writing.get(current));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return buffers[current].clear();
            }

            /** Starts writing the filled buffer ({@link #take} hands out the other one next). */
            void write(ByteBuffer filled, long offset) {
                filled.flip();
                writing.set(current, CompletableFuture.runAsync(() -> {
                    try {
                        sink.write(filled, offset);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, writes));
                current ^= 1;
            }

            void awaitWrites() throws IOException {
                for (int i = 0; i < writing.length(); i++) {
                    join(writing.get(i));
                }
            }

            /** Waits for both writes to end, failed or not: one failing must not stop the wait for the other. */
            void awaitEnd() {
                for (int i = 0; i < writing.length(); i++) {
                    writing.get(i).handle((done, failure) -> null).join();
                }
            }
        }

        void awaitAll() throws IOException {
            while (!inFlight.isEmpty()) {
                join(inFlight.poll());
            }
            for (WriteBuffers buffers : writeBuffersInUse()) {
                buffers.awaitWrites();
            }
        }

        private List<WriteBuffers> writeBuffersInUse() {
            synchronized (allWriteBuffers) {
                return List.copyOf(allWriteBuffers);
            }
        }

        @Override
        public void close() {
            reads.shutdownNow();
            pool.shutdownNow();
            // A worker interrupted in the middle of a run may still start the write of what it decoded: once the pool has
            // stopped, none can, and the writes awaited below are all there will be.
            pool.close();
            // After a failure, no write may reach the target once the caller has closed it.
            for (WriteBuffers buffers : writeBuffersInUse()) {
                buffers.awaitEnd();
            }
            writes.shutdownNow();
            synchronized (allReaders) {
                allReaders.forEach(BlobReader::close);
            }
        }
    }

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private static void join(CompletableFuture<Void> future) throws IOException {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("restore interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause);
        }
    }
}
