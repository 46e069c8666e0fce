package io.hearth.engine.blocklist;

import io.hearth.engine.block.BlockId;

/**
 * Where a backup's block list starts.
 *
 * @param root the root page's id ({@link BlockId#ZERO} for an empty list)
 * @param depth levels of pages above the leaf pages (0: the root is a leaf page)
 * @param count number of block ids in the list
 */
public record BlockListRoot(BlockId root, int depth, long count) {}
