package io.hearth.engine.blocklist;

import io.hearth.engine.HearthException;
import io.hearth.engine.block.BlockId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.LongPredicate;

/**
 * Walks a block list in volume order, holding one page per level: flat memory, one page fetch per
 * {@value BlockListWriter#IDS_PER_PAGE} blocks. The next {@value #PREFETCH_PAGES} leaf pages the caller will read under
 * the current parent page are announced to the loader ahead of use, so that a loader over a distant store can fetch them
 * while the caller works. A caller that takes whole pages as they are ({@link #skipPage}) never has them loaded.
 */
public final class BlockListReader {

    /**
     * Leaf pages announced ahead: 16 requests in flight hide a 50 ms store behind 4,096 blocks of work. They are the
     * next 16 the caller reads, however far apart: an incremental with changed ranges reads only the leaves above its
     * changes, a few in any 16 positions of the parent page (the benchmark's clustered 1% change: 39 of 256), and when
     * the next 16 positions were announced instead, only those few were on their way (reading every third leaf: 5).
     */
    static final int PREFETCH_PAGES = 16;

    /** Loads a page by id, verified (its hash equals its id). */
    @FunctionalInterface
    public interface PageLoader {
        ByteBuffer load(BlockId pageId) throws IOException;

        /** The page will be loaded soon, after the ones announced before it: a loader may start fetching it. */
        default void prefetch(BlockId pageId) {}

        /**
         * The page is passed over whole and will be referenced unread (see {@link BlockListReader#skipPage}): a loader
         * checks that the repository still has it, so that a new list never names a page known to be gone.
         */
        default void skipped(BlockId pageId) throws IOException {}
    }

    private final PageLoader loader;
    private final LongPredicate leafWanted;
    private final BlockListRoot root;
    private final ByteBuffer[] pages;
    private long returned;
    /** The parent page of the current leaf pages, and how far into it leaf pages have been announced. */
    private ByteBuffer announcedParent;
    private int announcedThrough;

    public BlockListReader(BlockListRoot root, PageLoader loader) {
        this(root, loader, leaf -> true);
    }

    /**
     * @param leafWanted whether the caller will read the leaf page of that number (the one holding the ids of blocks
     *     number × {@value BlockListWriter#IDS_PER_PAGE} onwards) rather than skip it: only those are announced
     */
    public BlockListReader(BlockListRoot root, PageLoader loader, LongPredicate leafWanted) {
        this.root = root;
        this.loader = loader;
        this.leafWanted = leafWanted;
        this.pages = new ByteBuffer[root.depth() + 1];
    }

    public long count() {
        return root.count();
    }

    /** Levels of pages above the leaf pages (0: the root is a leaf page). */
    public int depth() {
        return root.depth();
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

    /**
     * Passes over the whole page of {@code level} (0: a leaf page) that starts at the current position, without loading
     * it or anything below it.
     *
     * @throws IllegalStateException if the position is not at a boundary of that level, or the list has no such level
     */
    public PageRef skipPage(int level) throws IOException {
        if (level < 0 || level > root.depth() || returned % PageRef.span(level) != 0 || !hasNext()) {
            throw new IllegalStateException("no page of level " + level + " starts at block " + returned + " of a list of "
                    + root.count() + " ids and depth " + root.depth());
        }
        BlockId id = level == root.depth() ? rootOnce() : nextAt(level + 1);
        loader.skipped(id);
        long count = Math.min(PageRef.span(level), root.count() - returned);
        returned += count;
        return new PageRef(level, id, count);
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

    /**
     * Tops up the wanted leaf pages announced after the one being loaded to {@value #PREFETCH_PAGES}, as far as the
     * current parent page names them.
     */
    private void announceLeaves() {
        ByteBuffer parent = pages[1];
        if (parent != announcedParent) {
            announcedParent = parent;
            announcedThrough = parent.position();
        }
        // The leaf being loaded is number returned / IDS_PER_PAGE; the parent page's position is just past its id.
        long firstAfter = returned / BlockListWriter.IDS_PER_PAGE + 1;
        // Counts the wanted leaves ahead, announced before or now, until there are enough.
        int ahead = 0;
        int at = parent.position();
        for (; at + BlockId.BYTES <= parent.limit() && ahead < PREFETCH_PAGES; at += BlockId.BYTES) {
            if (leafWanted.test(firstAfter + (at - parent.position()) / BlockId.BYTES)) {
                if (at >= announcedThrough) {
                    loader.prefetch(BlockId.read(parent, at));
                }
                ahead++;
            }
        }
        announcedThrough = Math.max(announcedThrough, at);
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
