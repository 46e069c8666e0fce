package io.hearth.engine.blocklist;

import io.hearth.engine.block.BlockId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a backup's block list as a tree of content-addressed pages, bottom-up and streaming:
 * one open page per level, so memory stays flat whatever the volume's size. A page holds up to
 * {@value #IDS_PER_PAGE} ids; leaf pages hold block ids, higher pages the ids of the pages below.
 * Pages whose content did not change since the parent backup have the same id and cost nothing.
 */
public final class BlockListWriter {
    public static final int IDS_PER_PAGE = 256;
    public static final int PAGE_BYTES = IDS_PER_PAGE * BlockId.BYTES;

    /** Stores a page (position to limit) as a blob and returns its id. */
    @FunctionalInterface
    public interface PageSink {
        BlockId store(ByteBuffer page) throws IOException;
    }

    private final PageSink sink;
    private final List<ByteBuffer> levels = new ArrayList<>();
    private long count;

    public BlockListWriter(PageSink sink) {
        this.sink = sink;
        levels.add(ByteBuffer.allocate(PAGE_BYTES));
    }

    public void add(BlockId id) throws IOException {
        push(0, id);
        count++;
    }

    /**
     * Adds a whole page of another list by reference (see {@link BlockListReader#skipPage}): the list must stand at a
     * boundary of the page's level, as the other list did. The page is not read nor stored again.
     */
    public void add(PageRef page) throws IOException {
        if (count % PageRef.span(page.level()) != 0) {
            throw new IllegalStateException("a page of level " + page.level() + " cannot start at block " + count);
        }
        while (levels.size() <= page.level()) {
            levels.add(ByteBuffer.allocate(PAGE_BYTES));
        }
        push(page.level() + 1, page.id());
        count += page.count();
    }

    private void push(int level, BlockId id) throws IOException {
        if (level == levels.size()) {
            levels.add(ByteBuffer.allocate(PAGE_BYTES));
        }
        ByteBuffer page = levels.get(level);
        id.write(page);
        if (!page.hasRemaining()) {
            flush(level);
        }
    }

    private void flush(int level) throws IOException {
        ByteBuffer page = levels.get(level);
        page.flip();
        BlockId pageId = sink.store(page);
        page.clear();
        push(level + 1, pageId);
    }

    public BlockListRoot finish() throws IOException {
        if (count == 0) {
            return new BlockListRoot(BlockId.ZERO, 0, 0);
        }
        for (int level = 0; ; level++) {
            ByteBuffer page = levels.get(level);
            boolean top = level == levels.size() - 1;
            if (top) {
                if (level > 0 && page.position() == BlockId.BYTES) {
                    return new BlockListRoot(BlockId.read(page, 0), level - 1, count);
                }
                page.flip();
                return new BlockListRoot(sink.store(page), level, count);
            }
            if (page.position() > 0) {
                flush(level);
            }
        }
    }
}
