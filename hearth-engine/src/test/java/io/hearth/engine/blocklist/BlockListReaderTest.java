package io.hearth.engine.blocklist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void skippedPagesAreNeitherLoadedNorAnnouncedAndMakeTheSameList() throws IOException {
        Map<BlockId, ByteBuffer> stored = new HashMap<>();
        BlockListRoot root = write(COUNT, stored);
        // Read every third leaf; take the others whole, and all of the second level-1 page (leaves 256 to 511) at once.
        java.util.function.LongPredicate read = leaf -> leaf % 3 == 0 && (leaf < 256 || leaf >= 512);
        List<BlockId> loaded = new ArrayList<>();
        List<BlockId> checked = new ArrayList<>();
        List<BlockId> taken = new ArrayList<>();
        SequencedSet<BlockId> announced = new LinkedHashSet<>();
        int[] mostAhead = {0};
        BlockListReader reader = new BlockListReader(root, new BlockListReader.PageLoader() {
            @Override
            public ByteBuffer load(BlockId pageId) {
                loaded.add(pageId);
                announced.remove(pageId);
                return stored.get(pageId).duplicate();
            }

            @Override
            public void prefetch(BlockId pageId) {
                announced.add(pageId);
                mostAhead[0] = Math.max(mostAhead[0], announced.size());
            }

            @Override
            public void skipped(BlockId pageId) {
                checked.add(pageId);
            }
        }, read);
        BlockListWriter copy = new BlockListWriter(page -> store(page, stored));
        int skipped = 0;
        for (long block = 0; block < COUNT; ) {
            long leaf = block / BlockListWriter.IDS_PER_PAGE;
            if (block % PageRef.span(1) == 0 && leaf == 256) {
                PageRef page = reader.skipPage(1);
                taken.add(page.id());
                assertThat(page.count()).isEqualTo(PageRef.span(1));
                copy.add(page);
                block += page.count();
            } else if (block % BlockListWriter.IDS_PER_PAGE == 0 && !read.test(leaf)) {
                PageRef page = reader.skipPage(0);
                taken.add(page.id());
                assertThat(page.count()).isEqualTo(Math.min(BlockListWriter.IDS_PER_PAGE, COUNT - block));
                copy.add(page);
                block += page.count();
                skipped++;
            } else {
                BlockId id = reader.next();
                assertThat(id).isEqualTo(blockId(block));
                copy.add(id);
                block++;
            }
        }
        assertThat(reader.hasNext()).isFalse();
        assertThat(copy.finish()).as("the same list, page for page").isEqualTo(root);
        int leavesRead = (int) java.util.stream.LongStream.range(0, (COUNT + 255) / 256).filter(read).count();
        // The leaves read, the two level-1 pages above them and the root; never a skipped leaf nor the skipped level-1 page.
        assertThat(loaded).hasSize(leavesRead + 2 + 1);
        assertThat(skipped).isGreaterThan(leavesRead);
        assertThat(announced).as("every page announced was loaded").isEmpty();
        assertThat(mostAhead[0]).as("as many of the leaves read announced ahead as when all are read, however far apart")
                .isEqualTo(BlockListReader.PREFETCH_PAGES + 1);
        assertThat(checked).as("the loader checks each page taken unread").isEqualTo(taken);
    }

    @Test
    void aPageCanOnlyBeSkippedFromItsFirstBlock() throws IOException {
        Map<BlockId, ByteBuffer> stored = new HashMap<>();
        BlockListRoot root = write(COUNT, stored);
        BlockListReader reader = new BlockListReader(root, pageId -> stored.get(pageId).duplicate());
        reader.next();
        assertThatThrownBy(() -> reader.skipPage(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("block 1");
        assertThatThrownBy(() -> reader.skipPage(3)).isInstanceOf(IllegalStateException.class).hasMessageContaining("depth 2");
        BlockListWriter writer = new BlockListWriter(page -> store(page, stored));
        writer.add(blockId(0));
        assertThatThrownBy(() -> writer.add(new PageRef(0, blockId(1), 256))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot start at block 1");
    }

    /** Stores a page under an id made from its content (SHA-256; w1 set, which block ids here never have). */
    private static BlockId store(ByteBuffer page, Map<BlockId, ByteBuffer> stored) {
        ByteBuffer copy = ByteBuffer.allocate(page.remaining()).put(page).flip();
        ByteBuffer hash;
        try {
            hash = ByteBuffer.wrap(java.security.MessageDigest.getInstance("SHA-256").digest(copy.array()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        BlockId id = new BlockId(hash.getLong(0), hash.getLong(8) | 1, hash.getLong(16), hash.getLong(24));
        stored.putIfAbsent(id, copy);
        return id;
    }

    /** Writes the ids blockId(0 … count-1), keeping the pages in {@code stored} under ids made from their content. */
    private static BlockListRoot write(int count, Map<BlockId, ByteBuffer> stored) throws IOException {
        BlockListWriter writer = new BlockListWriter(page -> store(page, stored));
        for (int i = 0; i < count; i++) {
            writer.add(blockId(i));
        }
        return writer.finish();
    }

    private static BlockId blockId(long i) {
        return new BlockId(i * 31 + 1, 0, i, ~i);
    }
}
