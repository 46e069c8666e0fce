package io.hearth.engine.blocklist;

import io.hearth.engine.HearthException;
import io.hearth.engine.block.BlockId;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Walks a block list in volume order, holding one page per level: flat memory, one page fetch per
 * {@value BlockListWriter#IDS_PER_PAGE} blocks. The next {@value #PREFETCH_PAGES} leaf pages are announced to the
 * loader ahead of use, so that a loader over a distant store can fetch them while the caller works.
 */
public final class BlockListReader {

    /** Leaf pages announced ahead: 16 requests in flight hide a 50 ms store behind 4,096 blocks of work. */
    static final int PREFETCH_PAGES = 16;

    /** Loads a page by id, verified (its hash equals its id). */
    @FunctionalInterface
    public interface PageLoader {
        ByteBuffer load(BlockId pageId) throws IOException;

        /** The page will be loaded soon, after the ones announced before it: a loader may start fetching it. */
        default void prefetch(BlockId pageId) {}
    }

    private final PageLoader loader;
    private final BlockListRoot root;
    private final ByteBuffer[] pages;
    private long returned;
    /** The parent page of the current leaf pages, and how far into it leaf pages have been announced. */
    private ByteBuffer announcedParent;
    private int announcedThrough;

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
            if (level == 0 && root.depth() > 0) {
                announceLeaves();
            }
            page = loader.load(pageId);
            if (page.remaining() == 0 || page.remaining() % BlockId.BYTES != 0) {
                throw HearthException.corrupt("block list page " + pageId + " has an impossible length " + page.remaining());
            }
            pages[level] = page;
        }
        return BlockId.read(page);
    }

    /** Announces the leaf pages that follow the one being loaded, as far as the current parent page names them. */
    private void announceLeaves() {
        ByteBuffer parent = pages[1];
        if (parent != announcedParent) {
            announcedParent = parent;
            announcedThrough = parent.position();
        }
        int from = Math.max(announcedThrough, parent.position());
        int to = Math.min(parent.limit(), parent.position() + PREFETCH_PAGES * BlockId.BYTES);
        for (int at = from; at + BlockId.BYTES <= to; at += BlockId.BYTES) {
            loader.prefetch(BlockId.read(parent, at));
        }
        announcedThrough = Math.max(from, to);
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
