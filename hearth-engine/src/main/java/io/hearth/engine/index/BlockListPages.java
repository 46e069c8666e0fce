package io.hearth.engine.index;

import io.hearth.engine.HearthException;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.blocklist.BlockListReader;
import io.hearth.engine.pack.BlobReader;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.target.ObjectNotFoundException;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The block-list pages of one backup, found through the index. A page announced by {@link #prefetch} is fetched on a
 * virtual thread at once (a restore from a store 50 ms away would otherwise wait for each page in turn); every page is
 * decoded and verified by the one thread that loads it, which owns the {@link BlobReader}.
 */
final class BlockListPages implements BlockListReader.PageLoader {
    private final RepositoryIndex index;
    private final BlobReader reader;
    private final String backupId;
    /** Fetches announced and not yet loaded: at most the reader's prefetch depth. */
    private final Map<BlockId, Fetch> fetching = new HashMap<>();

    /** A page's place in its pack, found once when announced, and its stored bytes on their way. */
    private record Fetch(PackEntry entry, CompletableFuture<ByteBuffer> stored) {}

    BlockListPages(RepositoryIndex index, BlobReader reader, String backupId) {
        this.index = index;
        this.reader = reader;
        this.backupId = backupId;
    }

    @Override
    public void prefetch(BlockId pageId) {
        index.find(pageId).ifPresent(entry -> fetching.computeIfAbsent(pageId, id -> new Fetch(entry, CompletableFuture.supplyAsync(() -> {
            try {
                return reader.fetch(entry);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> Thread.ofVirtual().name("page-prefetch").start(task)))));
    }

    @Override
    public void skipped(BlockId pageId) {
        fetching.remove(pageId); // announced, then taken whole after all: no longer one of the prefetch depth
        index.find(pageId).orElseThrow(() -> notIndexed(pageId));
    }

    private HearthException notIndexed(BlockId pageId) {
        return HearthException.corrupt("backup " + backupId + ": block list page " + pageId
                + " is not in the repository index; run 'hearth repo rebuild-index'");
    }

    @Override
    public ByteBuffer load(BlockId pageId) throws IOException {
        Fetch fetched = fetching.remove(pageId);
        PackEntry entry = fetched != null ? fetched.entry() : index.find(pageId).orElseThrow(() -> notIndexed(pageId));
        try {
            return reader.decode(entry, fetched == null ? reader.fetch(entry) : awaitFetch(fetched.stored()));
        } catch (ObjectNotFoundException e) {
            throw HearthException.corrupt("backup " + backupId + ": block list page " + pageId + " lies in pack " + entry.pack()
                    + ", which is missing");
        } catch (EOFException e) {
            throw HearthException.corrupt("backup " + backupId + ": block list page " + pageId + " lies in pack " + entry.pack()
                    + ", which is truncated");
        } catch (HearthException e) {
            throw HearthException.corrupt("backup " + backupId + ": " + e.getMessage());
        }
    }

    private static ByteBuffer awaitFetch(CompletableFuture<ByteBuffer> fetched) throws IOException {
        try {
            return fetched.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause();
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
    }
}
