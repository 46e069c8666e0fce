package io.hearth.engine.blocklist;

import io.hearth.engine.HearthException;
import io.hearth.engine.block.BlockId;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Walks a block list in volume order, holding one page per level: flat memory, one page fetch per
 * {@value BlockListWriter#IDS_PER_PAGE} blocks.
 */
public final class BlockListReader {

    /** Loads a page by id, verified (its hash equals its id). */
    @FunctionalInterface
    public interface PageLoader {
        ByteBuffer load(BlockId pageId) throws IOException;
    }

    private final PageLoader loader;
    private final BlockListRoot root;
    private final ByteBuffer[] pages;
    private long returned;

    public BlockListReader(BlockListRoot root, PageLoader loader) {
        this.root = root;
        this.loader = loader;
        this.pages = new ByteBuffer[root.depth() + 1];
    }

    public long count() {
        return root.count();
    }

    public boolean hasNext() {
        return returned < root.count();
    }

    public BlockId next() throws IOException {
        if (!hasNext()) {
            throw new IllegalStateException("block list exhausted after " + returned + " ids");
        }
        BlockId id = nextAt(0);
        returned++;
        return id;
    }

    private BlockId nextAt(int level) throws IOException {
        ByteBuffer page = pages[level];
        if (page == null || !page.hasRemaining()) {
            BlockId pageId = level == root.depth() ? rootOnce() : nextAt(level + 1);
            page = loader.load(pageId);
            if (page.remaining() == 0 || page.remaining() % BlockId.BYTES != 0) {
                throw HearthException.corrupt("block list page " + pageId + " has an impossible length " + page.remaining());
            }
            pages[level] = page;
        }
        return BlockId.read(page);
    }

    private boolean rootLoaded;

    private BlockId rootOnce() {
        if (rootLoaded) {
            throw HearthException.corrupt("block list of " + root.count() + " ids ends early (root " + root.root() + ")");
        }
        rootLoaded = true;
        return root.root();
    }
}
