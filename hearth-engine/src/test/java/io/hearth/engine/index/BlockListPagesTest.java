package io.hearth.engine.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.HearthException;
import io.hearth.engine.PackReadCounter;
import io.hearth.engine.TestRepositories;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.block.BlobFormat;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.blocklist.BlockListReader;
import io.hearth.engine.blocklist.BlockListWriter;
import io.hearth.engine.pack.BlobReader;
import io.hearth.engine.repository.Repository;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A page announced ahead is fetched once, by the prefetch, and loaded from those bytes. */
class BlockListPagesTest {
    @TempDir
    Path dir;

    @Test
    void aPrefetchedPageIsLoadedFromTheFetchedBytes() throws IOException {
        PackReadCounter target = new PackReadCounter(dir.resolve("repo"));
        Path image = dir.resolve("image");
        byte[] data = new byte[3 * BlockListWriter.IDS_PER_PAGE * TestRepositories.BLOCK];
        new Random(3).nextBytes(data);
        Files.write(image, data);
        BackupManifest backup;
        try (Repository repository = Repository.init(target, TestRepositories.tiny(), dir.resolve("cache"))) {
            backup = TestRepositories.backup(repository, image, null);
        }
        assertThat(backup.blockListDepth()).isEqualTo(1);

        try (RepositoryIndex index = RepositoryIndex.load(target, dir.resolve("cache-2"), Set.of());
                BlobReader reader = new BlobReader(target, BlobFormat.plain())) {
            BlockListReader.PageLoader pages = index.pages(reader, backup.id());
            target.reset();
            ByteBuffer root = pages.load(backup.blockList().root());
            assertThat(root.remaining()).isEqualTo(3 * BlockId.BYTES);
            BlockId first = BlockId.read(root, 0);
            BlockId second = BlockId.read(root, BlockId.BYTES);
            BlockId third = BlockId.read(root, 2 * BlockId.BYTES);

            pages.prefetch(first);
            pages.prefetch(second);
            awaitReads(target, 3);
            assertThat(pages.load(first).remaining()).isEqualTo(BlockListWriter.PAGE_BYTES);
            assertThat(pages.load(second).remaining()).isEqualTo(BlockListWriter.PAGE_BYTES);
            assertThat(target.reads()).as("prefetched pages are not read again").isEqualTo(3);
            assertThat(pages.load(third).remaining()).isEqualTo(BlockListWriter.PAGE_BYTES);
            assertThat(target.reads()).as("a page not announced is read when loaded").isEqualTo(4);

            // A page taken unread by an incremental is looked up, not read; one the index does not have is refused.
            pages.skipped(third);
            assertThat(target.reads()).isEqualTo(4);
            BlockId unknown = new BlockId(1, 2, 3, 4);
            assertThatThrownBy(() -> pages.skipped(unknown)).isInstanceOf(HearthException.class)
                    .hasMessageContaining("backup " + backup.id() + ": block list page " + unknown + " is not in the repository index");
        }
    }

    private static void awaitReads(PackReadCounter target, int reads) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (target.reads() < reads) {
            assertThat(System.nanoTime()).as("prefetches started within 30 s").isLessThan(deadline);
            LockSupport.parkNanos(1_000_000);
        }
    }
}
