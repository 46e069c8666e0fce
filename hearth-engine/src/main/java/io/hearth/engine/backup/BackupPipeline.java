package io.hearth.engine.backup;

import io.hearth.engine.DirectIo;
import io.hearth.engine.HearthException;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.block.BlobFormat;
import io.hearth.engine.block.BlockCodec;
import io.hearth.engine.block.BlockHasher;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.block.Compression;
import io.hearth.engine.block.ZeroDetector;
import io.hearth.engine.blocklist.BlockListReader;
import io.hearth.engine.blocklist.BlockListRoot;
import io.hearth.engine.blocklist.BlockListWriter;
import io.hearth.engine.blocklist.PageRef;
import io.hearth.engine.index.RepositoryIndex;
import io.hearth.engine.pack.BlobType;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackWriter;
import io.hearth.engine.source.BlockSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * The backup data path: read ▸ zero check ▸ hash ▸ exists? ▸ compress ▸ pack ▸ upload.
 *
 * <p>One planner thread walks the volume in order and hands out chunks of pooled direct buffers;
 * each chunk is read on a virtual thread of its own (so several reads are in flight: a virtual or
 * network disk serves a deep queue several times faster than one read at a time), then hashed,
 * looked up and compressed on the worker pool (one thread per core); this thread assembles the
 * block list in order from a bounded window of futures. Memory is the window's buffers plus the
 * packs in flight, whatever the volume's size.
 */
final class BackupPipeline {
    /** New index entries are published every this many, so the session's own map stays small. */
    static final int INDEX_FLUSH_ENTRIES = 65536;
    static final int CHUNK_BYTES = 1 << 20;

    private final int blockSize;
    private final RepositoryIndex index;
    private final PackWriter packs;
    private final ExecutorService workers;
    /** Reads block on I/O, not on the CPU: a virtual thread each, as many in flight as the window has buffers. */
    private final ExecutorService reads = Executors.newVirtualThreadPerTaskExecutor();
    private final int window;
    /** Blocks read and processed together: about a megabyte per read and per task. */
    private final int chunkBlocks;
    private final Compression compression;
    private final int compressionLevel;
    private final ThreadLocal<Worker> worker;
    private final ConcurrentHashMap<BlockId, Boolean> claimed = new ConcurrentHashMap<>();
    private final List<String> publishedIndexObjects = new ArrayList<>();

    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesNew = new AtomicLong();
    private final AtomicLong blocksZero = new AtomicLong();
    private final AtomicLong blocksNew = new AtomicLong();

    BackupPipeline(int blockSize, BlobFormat format, Compression compression, int compressionLevel, RepositoryIndex index, PackWriter packs,
            ExecutorService workers, int window) {
        this.blockSize = blockSize;
        this.compression = compression;
        this.compressionLevel = compressionLevel;
        this.index = index;
        this.packs = packs;
        this.workers = workers;
        this.window = window;
        this.chunkBlocks = Math.max(1, CHUNK_BYTES / blockSize);
        this.worker = ThreadLocal.withInitial(() -> {
            Worker created = new Worker(format.newHasher(), format.newCodec(compression, compressionLevel),
                    new ZeroDetector(), ByteBuffer.allocateDirect(BlockCodec.maxCompressedLength(BlockListWriter.PAGE_BYTES)));
            synchronized (allWorkers) {
                allWorkers.add(created);
            }
            return created;
        });
    }

    private final List<Worker> allWorkers = new ArrayList<>();

    /** Frees the workers' native codec contexts. */
    void closeWorkers() {
        reads.shutdownNow();
        synchronized (allWorkers) {
            allWorkers.forEach(w -> w.codec().close());
            allWorkers.clear();
        }
    }

    /** @param scratch where a page of the block list is compressed (blocks are compressed into their chunk's staging buffer) */
    private record Worker(BlockHasher hasher, BlockCodec codec, ZeroDetector zeros, ByteBuffer scratch) {}

    record Result(BlockListRoot root, long bytesRead, long bytesNew, long blocksZero, long blocksNew, List<String> indexObjects) {}

    /**
     * Runs the pipeline.
     *
     * @param parent the parent's block list, read in step with the new one (its ids make unchanged blocks free)
     * @param dirty with a parent: the blocks to read; the others are taken from the parent. Null: read all.
     */
    Result run(BlockSource source, long size, Optional<BlockListReader> parent, BitSet dirty, ProgressListener progress) throws IOException {
        long blockCount = (size + blockSize - 1) / blockSize;
        ChunkBuffers buffers = new ChunkBuffers(window, chunkBlocks, blockSize);
        InOrderPacking packing = new InOrderPacking(buffers);
        BlockingQueue<Slot> results = new ArrayBlockingQueue<>(buffers.count() + 2);
        Thread reader = Thread.ofPlatform().name("backup-reader").daemon().start(() -> {
            KnownIds known = new KnownIds(results);
            ChunkBuilder chunk = new ChunkBuilder(source, size, buffers, packing, results, known);
            try {
                ReadPlan plan = new ReadPlan(new SparseScan(source), size, parent, dirty, chunk, known, results);
                long i = 0;
                while (i < blockCount) {
                    i = plan.block(i);
                }
                chunk.submit();
                known.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                try {
                    // put, not offer: the assembler must see the failure even when the window is full.
                    results.put(new Pending(CompletableFuture.failedFuture(t)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try {
            BlockListWriter list = new BlockListWriter(this::storePage);
            long done = 0;
            while (done < blockCount) {
                done += assemble(results.take(), list);
                progress.progress(Math.min(size, done * blockSize), size);
                if (packs.durableCount() >= INDEX_FLUSH_ENTRIES) {
                    publishDurable();
                }
            }
            BlockListRoot root = list.finish();
            packs.flush();
            publishDurable();
            return new Result(root, bytesRead.get(), bytesNew.get(), blocksZero.get(), blocksNew.get(), List.copyOf(publishedIndexObjects));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("backup interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new IOException("reading " + source.description() + " failed: " + io.getMessage(), io);
            }
            if (cause instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause);
        } finally {
            reader.interrupt();
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Adds one slot's ids to the new block list and returns how many blocks it covered: a method of its own, called per
     * slot, for the reason {@link ReadPlan} gives.
     */
    private long assemble(Slot slot, BlockListWriter list) throws IOException, InterruptedException, ExecutionException {
        switch (slot) {
            case Pending pending -> {
                for (BlockId id : pending.future().get()) {
                    list.add(id);
                }
                return pending.blocks();
            }
            case Known batch -> {
                for (int k = 0; k < batch.count(); k++) {
                    list.add(batch.ids()[k]);
                }
                return batch.count();
            }
            case Unchanged same -> {
                list.add(same.page());
                return same.page().count();
            }
        }
    }

    /**
     * Decides, block by block in volume order, what each block costs: nothing (a hole, a block outside the changed
     * ranges, a whole unchanged page of the parent's list) or a read. The step per block is a method of its own: a
     * loop's body inside one long call runs in the interpreter until the JIT compiles the whole call on the stack,
     * which for a 2 GiB volume came at its last blocks; a method called per block is compiled after a few hundred.
     */
    private final class ReadPlan {
        private final SparseScan holes;
        private final long size;
        private final Optional<BlockListReader> parent;
        private final BitSet dirty;
        private final ChunkBuilder chunk;
        private final KnownIds known;
        private final BlockingQueue<Slot> results;
        private final UnchangedPages unchanged;

        ReadPlan(SparseScan holes, long size, Optional<BlockListReader> parent, BitSet dirty, ChunkBuilder chunk, KnownIds known,
                BlockingQueue<Slot> results) {
            this.holes = holes;
            this.size = size;
            this.parent = parent;
            this.dirty = dirty;
            this.chunk = chunk;
            this.known = known;
            this.results = results;
            long blockCount = (size + blockSize - 1) / blockSize;
            this.unchanged = dirty != null && parent.isPresent() ? new UnchangedPages(dirty, blockCount, parent.get().depth()) : null;
        }

        /** Plans block {@code i}, and the blocks after it that an unchanged page covers; returns the next block to plan. */
        long block(long i) throws IOException, InterruptedException {
            int level = unchanged != null ? unchanged.levelAt(i) : -1;
            if (level >= 0) {
                chunk.submit();
                known.flush();
                PageRef page = parent.get().skipPage(level);
                results.put(new Unchanged(page));
                return i + page.count();
            }
            BlockId parentId = parent.isPresent() ? parent.get().next() : null;
            if (dirty != null && !dirty.get(Math.toIntExact(i))) {
                chunk.submit();
                known.add(parentId);
                return i + 1;
            }
            long position = i * blockSize;
            int length = (int) Math.min(blockSize, size - position);
            if (holes.isHole(position, length)) {
                chunk.submit();
                blocksZero.incrementAndGet();
                known.add(BlockId.ZERO);
                return i + 1;
            }
            chunk.add(i, parentId);
            return i + 1;
        }
    }

    /**
     * Gathers runs of consecutive blocks that must be read into chunks: one read and one task per
     * chunk, so that system calls, hand-offs and wake-ups are paid per megabyte, not per block.
     */
    private final class ChunkBuilder {
        private final BlockSource source;
        private final long size;
        private final ChunkBuffers buffers;
        private final InOrderPacking packing;
        private final BlockingQueue<Slot> results;
        private final KnownIds known;
        private long first = -1;
        private int count;
        private BlockId[] parents = new BlockId[chunkBlocks];
        private long chunks;

        ChunkBuilder(BlockSource source, long size, ChunkBuffers buffers, InOrderPacking packing, BlockingQueue<Slot> results, KnownIds known) {
            this.source = source;
            this.size = size;
            this.buffers = buffers;
            this.packing = packing;
            this.results = results;
            this.known = known;
        }

        void add(long block, BlockId parentId) throws IOException, InterruptedException {
            if (count == 0) {
                first = block;
            }
            parents[count++] = parentId;
            if (count == chunkBlocks) {
                submit();
            }
        }

        void submit() throws IOException, InterruptedException {
            if (count == 0) {
                return;
            }
            long position = first * blockSize;
            int length = (int) Math.min((long) count * blockSize, size - position);
            // Taken in volume order, given back in volume order once packed: the next chunk to pack always has its buffers.
            Buffers chunkBuffers = buffers.take(count);
            ByteBuffer buffer = chunkBuffers.data().limit(length);
            known.flush();
            BlockId[] chunkParents = parents;
            int blocks = count;
            long sequence = chunks++;
            CompletableFuture<ByteBuffer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    source.readFully(buffer, position);
                } catch (IOException e) {
                    throw new CompletionException(e); // the assembler sees the IOException itself
                }
                bytesRead.addAndGet(length);
                return buffer.flip();
            }, reads);
            results.put(new Pending(read.thenApplyAsync(data -> processChunk(chunkBuffers, sequence, chunkParents, blocks, packing), workers),
                    blocks));
            parents = new BlockId[chunkBlocks];
            count = 0;
        }
    }

    /** A chunk's buffers: the data read, and its new blocks compressed, until they are packed. */
    private record Buffers(ByteBuffer data, ByteBuffer staging) {}

    /**
     * The buffers of the chunks in flight: {@code window} for whole chunks, and up to eight times as many for chunks of a
     * single block. Scattered changed blocks are one-block reads, and a virtual or network disk serves small random
     * reads faster the more of them it is given at once; a megabyte buffer for each would bound them by memory, not by
     * need.
     */
    private static final class ChunkBuffers {
        private final BlockingQueue<Buffers> chunks;
        private final BlockingQueue<Buffers> singles;
        private final int chunkBytes;
        private final int count;

        ChunkBuffers(int window, int chunkBlocks, int blockSize) {
            this.chunkBytes = chunkBlocks * blockSize;
            // Eight per chunk buffer (a scattered incremental ran 0.86-1.1 s with one, 0.57-0.70 s with ten, no faster
            // with thirty), in at most a quarter of the chunk buffers' memory.
            int singleCount = chunkBlocks > 1 ? Math.min(8 * window, window * chunkBlocks / 4) : 0;
            this.count = window + singleCount;
            // aligned data buffers, so that a file source reads into them around the page cache; each kind in one piece
            chunks = buffers(window, chunkBytes, chunkBlocks * BlockCodec.maxCompressedLength(blockSize));
            singles = singleCount > 0 ? buffers(singleCount, blockSize, BlockCodec.maxCompressedLength(blockSize)) : null;
        }

        private static BlockingQueue<Buffers> buffers(int count, int dataBytes, int stagingBytes) {
            List<ByteBuffer> data = DirectIo.allocateAll(count, dataBytes);
            List<ByteBuffer> staging = DirectIo.allocateAll(count, stagingBytes);
            BlockingQueue<Buffers> queue = new ArrayBlockingQueue<>(count);
            for (int i = 0; i < count; i++) {
                queue.add(new Buffers(data.get(i), staging.get(i)));
            }
            return queue;
        }

        /** All the buffers: as many chunks as can be in flight. */
        int count() {
            return count;
        }

        Buffers take(int blocks) throws InterruptedException {
            Buffers taken = (blocks == 1 && singles != null ? singles : chunks).take();
            taken.data().clear();
            taken.staging().clear();
            return taken;
        }

        void give(Buffers buffers) {
            (buffers.data().capacity() == chunkBytes ? chunks : singles).add(buffers);
        }
    }

    /**
     * Packs the chunks' new blocks in volume order, so that a pack holds consecutive blocks together and a restore reads
     * it in long runs (a quarter of the requests to an object store). The worker that finishes the next chunk packs it,
     * and any later ones that finished before it; a chunk that finishes early waits, in its own staging buffer, for
     * the one before it. No worker ever waits for another.
     */
    private final class InOrderPacking {
        private final ChunkBuffers buffers;
        private final Map<Long, Early> early = new HashMap<>();
        private long next;

        private record Early(List<Staged> staged, Buffers buffers) {}

        InOrderPacking(ChunkBuffers buffers) {
            this.buffers = buffers;
        }

        synchronized void packed(long sequence, List<Staged> staged, Buffers chunk) throws IOException {
            if (sequence != next) {
                early.put(sequence, new Early(staged, chunk));
                return;
            }
            pack(staged, chunk);
            for (Early waiting = early.remove(++next); waiting != null; waiting = early.remove(++next)) {
                pack(waiting.staged(), waiting.buffers());
            }
        }

        private void pack(List<Staged> staged, Buffers chunk) throws IOException {
            for (Staged blob : staged) {
                packs.add(BlobType.DATA, blob.id(), blob.compression(), blob.plainLength(), chunk.staging().slice(blob.offset(), blob.length()));
            }
            buffers.give(chunk);
        }
    }

    /** Processes the blocks of one chunk; its new blobs, compressed into its staging buffer, go to the packs in volume order. */
    private BlockId[] processChunk(Buffers buffers, long sequence, BlockId[] parents, int blocks, InOrderPacking packing) {
        Worker w = worker.get();
        ByteBuffer chunk = buffers.data();
        BlockId[] ids = new BlockId[blocks];
        List<Staged> staged = new ArrayList<>();
        ByteBuffer staging = buffers.staging();
        for (int k = 0; k < blocks; k++) {
            int offset = k * blockSize;
            ByteBuffer data = chunk.slice(offset, Math.min(blockSize, chunk.limit() - offset));
            if (w.zeros().isAllZero(data)) {
                blocksZero.incrementAndGet();
                ids[k] = BlockId.ZERO;
                continue;
            }
            BlockId id = w.hasher().hash(data);
            ids[k] = id;
            if (id.equals(parents[k]) || isKnown(id)) {
                continue;
            }
            // Straight into the chunk's staging buffer, which has room for every block's worst case: one copy fewer of
            // each new block (for incompressible data, a copy of the whole block).
            ByteBuffer stored = staging.slice(staging.position(), staging.remaining());
            Compression used = w.codec().compress(data, stored);
            staged.add(new Staged(id, used, data.remaining(), staging.position(), stored.remaining()));
            staging.position(staging.position() + stored.remaining());
            bytesNew.addAndGet(data.remaining());
            blocksNew.incrementAndGet();
        }
        try {
            packing.packed(sequence, staged, buffers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }

    private record Staged(BlockId id, Compression compression, int plainLength, int offset, int length) {}

    /** True if the repository or this session already has the blob; otherwise claims it for the caller to store. */
    private boolean isKnown(BlockId id) {
        if (claimed.containsKey(id) || index.find(id).isPresent()) {
            return true;
        }
        return claimed.putIfAbsent(id, Boolean.TRUE) != null;
    }

    private BlockId storePage(ByteBuffer page) throws IOException {
        Worker w = worker.get();
        BlockId id = w.hasher().hash(page);
        if (!isKnown(id)) {
            Compression used = w.codec().compress(page, w.scratch());
            packs.add(BlobType.PAGE, id, used, page.remaining(), w.scratch());
        }
        return id;
    }

    private void publishDurable() throws IOException {
        List<PackEntry> entries = packs.takeDurable();
        if (entries.isEmpty()) {
            return;
        }
        entries.sort(Comparator.comparing(PackEntry::id));
        publishedIndexObjects.add(index.publish(entries));
        for (PackEntry entry : entries) {
            claimed.remove(entry.id());
        }
    }

    /**
     * What the assembler takes from the reader, in volume order: a chunk being processed, a batch of ids known without
     * work, or a whole page of the parent's list.
     */
    private sealed interface Slot permits Pending, Known, Unchanged {}

    /** A region of the volume outside the changed ranges that a page of the parent's block list covers whole. */
    private record Unchanged(PageRef page) implements Slot {}

    private record Pending(Future<BlockId[]> future, int blocks) implements Slot {
        Pending(Future<BlockId[]> future) {
            this(future, 0);
        }
    }

    private record Known(BlockId[] ids, int count) implements Slot {}

    /** Batches ids that need no work (holes, blocks outside the changed ranges), so a sparse volume costs a hand-off per 256 blocks. */
    private static final class KnownIds {
        private static final int BATCH = 256;
        private final BlockingQueue<Slot> results;
        private BlockId[] ids = new BlockId[BATCH];
        private int count;

        KnownIds(BlockingQueue<Slot> results) {
            this.results = results;
        }

        void add(BlockId id) throws InterruptedException {
            ids[count++] = id;
            if (count == BATCH) {
                flush();
            }
        }

        void flush() throws InterruptedException {
            if (count > 0) {
                results.put(new Known(ids, count));
                ids = new BlockId[BATCH];
                count = 0;
            }
        }
    }

    /**
     * Whether the pipeline will read the leaf page of that number of the parent's list: with changed ranges, only those
     * above a changed block ({@link UnchangedPages} takes the others whole).
     */
    static LongPredicate leavesRead(BitSet dirty) {
        if (dirty == null) {
            return leaf -> true;
        }
        return leaf -> {
            long first = leaf * BlockListWriter.IDS_PER_PAGE;
            if (first >= dirty.length()) {
                return false;
            }
            int next = dirty.nextSetBit((int) first);
            return next >= 0 && next < first + BlockListWriter.IDS_PER_PAGE;
        };
    }

    /**
     * Finds the regions outside the changed ranges that whole pages of the parent's list cover: the new list takes
     * those pages by id, so an unchanged region costs neither a page read nor a page written, however large.
     */
    private static final class UnchangedPages {
        private final BitSet dirty;
        private final long blockCount;
        private final int depth;
        private long nextDirty = -1;

        UnchangedPages(BitSet dirty, long blockCount, int depth) {
            this.dirty = dirty;
            this.blockCount = blockCount;
            this.depth = depth;
        }

        /** The highest level of a parent page starting at block {@code i} that covers no changed block, or -1. */
        int levelAt(long i) {
            if (i % BlockListWriter.IDS_PER_PAGE != 0) {
                return -1;
            }
            if (nextDirty < i) {
                int next = dirty.nextSetBit(Math.toIntExact(i));
                nextDirty = next < 0 ? Long.MAX_VALUE : next;
            }
            int level = -1;
            for (int l = 0; l <= depth; l++) {
                long span = PageRef.span(l);
                if (i % span != 0 || nextDirty < Math.min(i + span, blockCount)) {
                    break;
                }
                level = l;
            }
            return level;
        }
    }

    /** Remembers the last hole or data extent the source reported, so that it is asked once per extent, not per block. */
    private static final class SparseScan {
        private final BlockSource source;
        private long holeFrom = -1;
        private long holeUntil = -1;
        private long dataUntil = -1;

        SparseScan(BlockSource source) {
            this.source = source;
        }

        boolean isHole(long position, int length) throws IOException {
            if (position >= dataUntil && !(position >= holeFrom && position < holeUntil)) {
                long data = source.nextData(position);
                if (data > position) {
                    holeFrom = position;
                    holeUntil = data;
                } else {
                    dataUntil = Math.max(position + 1, source.nextHole(position));
                }
            }
            return position >= holeFrom && position + length <= holeUntil;
        }
    }

    static HearthException sizeMismatch(String parentId, long parentSize, long size) {
        return HearthException.badInput("the source is " + size + " bytes but parent backup " + parentId + " is of a "
                + parentSize + "-byte source; back it up without --parent (unchanged blocks are still not stored twice)");
    }
}
