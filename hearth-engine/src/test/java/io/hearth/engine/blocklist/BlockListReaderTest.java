package io.hearth.engine.blocklist;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.block.BlockId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;
import org.junit.jupiter.api.Test;

class BlockListReaderTest {
    /** Two full parent pages of leaves and part of a third: depth 2, and announcements cross parent pages. */
    private static final int COUNT = 2 * BlockListWriter.IDS_PER_PAGE * BlockListWriter.IDS_PER_PAGE + 1000;

    @Test
    void readsBackWhatWasWrittenAndAnnouncesLeafPagesBeforeLoadingThem() throws IOException {
        Map<BlockId, ByteBuffer> stored = new HashMap<>();
        BlockListRoot root = write(COUNT, stored);
        assertThat(root.depth()).isEqualTo(2);

        SequencedSet<BlockId> announced = new LinkedHashSet<>();
        List<BlockId> leavesLoadedUnannounced = new ArrayList<>();
        int[] leavesLoaded = {0};
        int[] mostAhead = {0};
        BlockListReader reader = new BlockListReader(root, new BlockListReader.PageLoader() {
            @Override
            public ByteBuffer load(BlockId pageId) {
                ByteBuffer page = stored.get(pageId).duplicate();
                boolean leaf = BlockId.read(page, 0).w1() == 0; // leaf pages hold block ids, whose w1 is 0 here
                if (leaf) {
                    leavesLoaded[0]++;
                    if (!announced.isEmpty() && announced.getFirst().equals(pageId)) {
                        announced.removeFirst();
                    } else {
                        assertThat(announced).as("announced pages are loaded in the order announced").doesNotContain(pageId);
                        leavesLoadedUnannounced.add(pageId);
                    }
                }
                return page;
            }

            @Override
            public void prefetch(BlockId pageId) {
                assertThat(announced.add(pageId)).as("each page announced once").isTrue();
                mostAhead[0] = Math.max(mostAhead[0], announced.size());
            }
        });
        for (int i = 0; i < COUNT; i++) {
            assertThat(reader.next()).isEqualTo(blockId(i));
        }
        assertThat(reader.hasNext()).isFalse();

        int leaves = (COUNT + BlockListWriter.IDS_PER_PAGE - 1) / BlockListWriter.IDS_PER_PAGE;
        assertThat(leavesLoaded[0]).isEqualTo(leaves);
        // Only the first leaf under each parent page is loaded without notice: the next parent is not read early.
        assertThat(leavesLoadedUnannounced).hasSize(3);
        assertThat(announced).as("nothing announced is left unloaded").isEmpty();
        assertThat(mostAhead[0]).as("the page about to be loaded and the ones after it").isEqualTo(BlockListReader.PREFETCH_PAGES + 1);
    }

    @Test
    void aSinglePageListNeedsNoAnnouncement() throws IOException {
        Map<BlockId, ByteBuffer> stored = new HashMap<>();
        BlockListRoot root = write(10, stored);
        List<BlockId> calls = new ArrayList<>();
        BlockListReader reader = new BlockListReader(root, new BlockListReader.PageLoader() {
            @Override
            public ByteBuffer load(BlockId pageId) {
                calls.add(pageId);
                return stored.get(pageId).duplicate();
            }

            @Override
            public void prefetch(BlockId pageId) {
                throw new AssertionError("nothing to announce in a one-page list");
            }
        });
        for (int i = 0; i < 10; i++) {
            assertThat(reader.next()).isEqualTo(blockId(i));
        }
        assertThat(calls).containsExactly(root.root());
    }

    /** Writes the ids blockId(0 … count-1), keeping the pages in {@code stored} under ids of their own (w1 = 7). */
    private static BlockListRoot write(int count, Map<BlockId, ByteBuffer> stored) throws IOException {
        BlockListWriter writer = new BlockListWriter(page -> {
            BlockId id = new BlockId(stored.size() + 1, 7, 7, 7);
            stored.put(id, ByteBuffer.allocate(page.remaining()).put(page).flip());
            return id;
        });
        for (int i = 0; i < count; i++) {
            writer.add(blockId(i));
        }
        return writer.finish();
    }

    private static BlockId blockId(long i) {
        return new BlockId(i * 31 + 1, 0, i, ~i);
    }
}
