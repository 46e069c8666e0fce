package io.hearth.engine.blocklist;

import io.hearth.engine.block.BlockId;

/**
 * A whole page of a block list, named by its id without being read: what an incremental backup takes from its parent
 * for a region that did not change.
 *
 * @param level the page's level (0: a leaf page of block ids; 1: a page of leaf-page ids; …)
 * @param id the page's id
 * @param count the block ids under the page ({@link BlockListWriter#IDS_PER_PAGE} to the power level + 1, fewer for
 *     the list's last page)
 */
public record PageRef(int level, BlockId id, long count) {

    /** The block ids under a full page of {@code level}. */
    public static long span(int level) {
        long span = BlockListWriter.IDS_PER_PAGE;
        for (int i = 0; i < level; i++) {
            span = Math.multiplyExact(span, BlockListWriter.IDS_PER_PAGE);
        }
        return span;
    }
}
