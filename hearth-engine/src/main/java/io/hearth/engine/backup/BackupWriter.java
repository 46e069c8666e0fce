package io.hearth.engine.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.block.BlobFormat;
import io.hearth.engine.block.Compression;
import io.hearth.engine.blocklist.BlockListReader;
import io.hearth.engine.gc.PendingDeletions;
import io.hearth.engine.index.RepositoryIndex;
import io.hearth.engine.lock.LockManager;
import io.hearth.engine.pack.BlobReader;
import io.hearth.engine.pack.PackWriter;
import io.hearth.engine.repository.FormatVersion;
import io.hearth.engine.repository.RepositoryConfig;
import io.hearth.engine.target.BackupTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Makes one backup: checks the request, takes a backup lock, runs the pipeline, and commits by
 * writing the manifest last. On any failure nothing is committed; what was uploaded stays for gc.
 */
public final class BackupWriter {
    /** Chunks (of up to a megabyte) read or processed at once, at least. */
    private static final int READ_WINDOW = 16;

    private final BackupTarget target;
    private final RepositoryConfig config;
    private final ObjectMapper json;
    private final LockManager locks;
    private final PendingDeletions pending;
    private final Path cacheDirectory;
    private final int threads;
    private final BlobFormat format;

    public BackupWriter(BackupTarget target, RepositoryConfig config, BlobFormat format, ObjectMapper json, LockManager locks,
            PendingDeletions pending, Path cacheDirectory, int threads) {
        this.target = target;
        this.format = format;
        this.config = config;
        this.json = json;
        this.locks = locks;
        this.pending = pending;
        this.cacheDirectory = cacheDirectory;
        this.threads = threads;
    }

    public BackupManifest write(BackupRequest request, Optional<BackupManifest> parent, ProgressListener progress) throws IOException {
        long started = System.nanoTime();
        long size = request.source().size();
        int blockSize = config.blockSize();
        if (parent.isPresent() && parent.get().sourceSize() != size) {
            throw BackupPipeline.sizeMismatch(parent.get().id(), parent.get().sourceSize(), size);
        }
        if (parent.isPresent() && parent.get().blockSize() != blockSize) {
            throw HearthException.badInput("parent backup " + parent.get().id() + " has another block size; back up without a parent");
        }
        if (parent.isPresent()) {
            checkParentList(parent.get(), size, blockSize);
        }
        BitSet dirty = request.changedRanges().map(ranges -> dirtyBlocks(ranges, size, blockSize, parent.isPresent())).orElse(null);

        // The lock comes before the pending lists are read: a gc that publishes after this point sees us.
        try (LockManager.Held lock = locks.lockForBackup();
                RepositoryIndex index = RepositoryIndex.load(target, cacheDirectory, pending.excludedPacks());
                PackWriter packs = new PackWriter(target, config.packSize(), Math.max(blockSize, io.hearth.engine.blocklist.BlockListWriter.PAGE_BYTES),
                        target.properties().maxConnections());
                BlobReader parentPages = new BlobReader(target, format)) {
            // The parent is referenced, not copied: it must not have been deleted (and its packs marked by a gc that does
            // not wait for us) between reading its manifest and taking the lock. After this point gc waits for us.
            if (parent.isPresent() && target.stat(BackupManifest.key(parent.get().id())).isEmpty()) {
                throw HearthException.notFound("parent backup " + parent.get().id() + " was deleted while this backup started");
            }
            ExecutorService workers = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("backup-worker-", 0).daemon().factory());
            // The window is also the number of reads in flight: scattered changed blocks are small random reads, which a
            // virtual or network disk serves faster the more it is given at once.
            BackupPipeline pipeline = new BackupPipeline(blockSize, format, config.compressionAlgorithm(), config.compressionLevel(), index, packs,
                    workers, Math.max(READ_WINDOW, threads * 4));
            BackupPipeline.Result result;
            try {
                Optional<BlockListReader> parentList = parent.map(p -> new BlockListReader(p.blockList(), index.pages(parentPages, p.id()),
                        BackupPipeline.leavesRead(dirty)));
                result = pipeline.run(request.source(), size, parentList, dirty, progress);
            } finally {
                workers.shutdownNow();
                pipeline.closeWorkers();
            }
            long indexBytes = index.bytesPublished();
            long objects = packs.packsWritten() + result.indexObjects().size() + 1;
            long storedBeforeManifest = packs.bytesWritten() + indexBytes;
            BackupRequest.BackupLabels labels = request.labels();
            BackupManifest manifest = null;
            byte[] bytes = new byte[0];
            for (int attempt = 0; attempt < 3; attempt++) {
                double seconds = (System.nanoTime() - started) / 1e9;
                BackupStats stats = new BackupStats(result.bytesRead(), result.bytesNew(), storedBeforeManifest + bytes.length, objects,
                        result.root().count(), result.blocksZero(), result.blocksNew(), seconds);
                manifest = new BackupManifest(FormatVersion.CURRENT, request.backupId(), parent.map(BackupManifest::id).orElse(null),
                        labels.volumeId(), labels.snapshotId(), labels.projectId(), labels.name(), labels.description(), labels.metadata(),
                        size, blockSize, result.root().count(), result.root().root().hex(), result.root().depth(), labels.createdAt(),
                        Instant.now(), stats);
                byte[] next = format.sealObject(json.writeValueAsBytes(manifest));
                if (next.length == bytes.length) {
                    break;
                }
                bytes = next;
            }
            if (!target.putIfAbsent(BackupManifest.key(request.backupId()), ByteBuffer.wrap(bytes))) {
                throw new HearthException(ErrorCategory.CONFLICT, "backup " + request.backupId() + " was committed by someone else meanwhile");
            }
            return manifest;
        }
    }

    /** The parent's list is taken page by page unread: its manifest must describe a list of the shape this source has. */
    private static void checkParentList(BackupManifest parent, long size, int blockSize) {
        long blocks = (size + blockSize - 1) / blockSize;
        int depth = 0;
        while (blocks > io.hearth.engine.blocklist.PageRef.span(depth)) {
            depth++;
        }
        if (parent.blockCount() != blocks || (blocks > 0 && parent.blockListDepth() != depth)) {
            throw HearthException.corrupt("the manifest of parent backup " + parent.id() + " names " + parent.blockCount()
                    + " blocks in a list of depth " + parent.blockListDepth() + " for a source of " + size + " bytes ("
                    + blocks + " blocks, depth " + depth + "); back up without a parent and run 'hearth repo verify'");
        }
    }

    private static BitSet dirtyBlocks(List<ByteRange> ranges, long size, int blockSize, boolean hasParent) {
        if (!hasParent) {
            throw HearthException.badInput("changed ranges need a parent backup: the blocks outside them come from the parent");
        }
        long blockCount = (size + blockSize - 1) / blockSize;
        if (blockCount > Integer.MAX_VALUE) {
            throw HearthException.badInput("the source has too many blocks for changed ranges");
        }
        BitSet dirty = new BitSet((int) blockCount);
        for (ByteRange range : ranges) {
            if (range.end() > size || range.end() < range.offset()) {
                throw HearthException.badInput("changed range " + range.offset() + "+" + range.length() + " ends beyond the source's "
                        + size + " bytes");
            }
            if (range.length() == 0) {
                continue;
            }
            int first = (int) (range.offset() / blockSize);
            int last = (int) ((range.end() - 1) / blockSize);
            dirty.set(first, last + 1);
        }
        return dirty;
    }

}
