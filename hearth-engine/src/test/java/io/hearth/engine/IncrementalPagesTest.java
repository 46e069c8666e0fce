package io.hearth.engine;

import static io.hearth.engine.TestRepositories.BLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.ByteRange;
import io.hearth.engine.blocklist.BlockListWriter;
import io.hearth.engine.repository.Repository;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An incremental backup with changed ranges takes the pages of its parent's block list that cover no changed block by
 * id, unread: its list must be the very list a backup reading everything makes, and it may read only the parent's
 * pages above changed blocks.
 */
class IncrementalPagesTest {
    /** 70,000 blocks: 274 leaf pages (the last one partial) under two pages of level 1 under a root, depth 2. */
    private static final long BLOCKS = 70_000;
    private static final int IDS = BlockListWriter.IDS_PER_PAGE;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "changed blocks {0}")
    @ValueSource(strings = {"", "0", "69999", "255 256", "65535 65536", "0 69999", "every 997", "68864"})
    void takesUnchangedPagesFromTheParentUnread(String changedBlocks) throws IOException {
        PackReadCounter target = new PackReadCounter(dir.resolve("repo"));
        Path image = dir.resolve("image");
        long size = BLOCKS * BLOCK;
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(size);
            // A data block every 256 KiB; the rest is holes.
            Random random = new Random(1);
            for (long block = 3; block < BLOCKS; block += 64) {
                write(file, block, random);
            }
        }
        long[] changed = blocks(changedBlocks);
        try (Repository repository = Repository.init(target, TestRepositories.tiny(), dir.resolve("cache"))) {
            BackupManifest full = TestRepositories.backup(repository, image, null);
            assertThat(full.blockListDepth()).isEqualTo(2);
            change(image, changed);
            target.reset();
            BackupManifest withRanges = TestRepositories.backup(repository, image, full.id(), ranges(changed, size));
            int pagesRead = target.reads();
            assertSameListAsReadingEverything(repository, image, full, withRanges);

            // The root, and the pages of levels 1 and 0 above each changed block: nothing else.
            TreeSet<Long> leaves = new TreeSet<>();
            TreeSet<Long> levelOne = new TreeSet<>();
            for (long block : changed) {
                leaves.add(block / IDS);
                levelOne.add(block / IDS / IDS);
            }
            int expected = changed.length == 0 ? 0 : 1 + levelOne.size() + leaves.size();
            assertThat(pagesRead).as("parent pages read").isEqualTo(expected);
        }
    }

    /** Lists of one page (the root a leaf, full or not), of a leaf and a bit, with a short last block, and empty. */
    @ParameterizedTest(name = "{0} bytes, changed blocks {1}")
    @CsvSource({"1048576, ''", "1048576, 0", "1048576, 255", "1052672, ''", "1052672, 256", "1052672, 0",
            "1228900, 0 300", "1228900, 299", "100, 0", "100, ''", "0, ''"})
    void smallListsComeOutAsReadingEverythingMakesThem(long size, String changedBlocks) throws IOException {
        Path image = dir.resolve("image");
        byte[] data = new byte[Math.toIntExact(size)];
        new Random(size).nextBytes(data);
        Files.write(image, data);
        long[] changed = blocks(changedBlocks);
        try (Repository repository = TestRepositories.create(dir)) {
            BackupManifest full = TestRepositories.backup(repository, image, null);
            change(image, changed);
            BackupManifest withRanges = TestRepositories.backup(repository, image, full.id(), ranges(changed, size));
            assertSameListAsReadingEverything(repository, image, full, withRanges);
        }
    }

    /** The incremental with ranges has the list an incremental reading everything makes, and restores the image. */
    private void assertSameListAsReadingEverything(Repository repository, Path image, BackupManifest parent, BackupManifest withRanges)
            throws IOException {
        BackupManifest readingAll = TestRepositories.backup(repository, image, parent.id());
        assertThat(withRanges.blockList()).as("the same list as a backup that read everything").isEqualTo(readingAll.blockList());
        Path restored = dir.resolve("restored");
        repository.restore(withRanges.id(), restored, ProgressListener.NONE);
        assertThat(Files.mismatch(restored, image)).as("restored byte for byte").isEqualTo(-1);
    }

    private static long[] blocks(String changedBlocks) {
        return changedBlocks.startsWith("every ")
                ? LongStream.iterate(0, b -> b < BLOCKS, b -> b + Long.parseLong(changedBlocks.substring(6))).toArray()
                : Arrays.stream(changedBlocks.split(" ")).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
    }

    /** Whole blocks, the last one cut at the end of the source. */
    private static List<ByteRange> ranges(long[] blocks, long size) {
        return Arrays.stream(blocks).mapToObj(b -> new ByteRange(b * BLOCK, Math.min(BLOCK, size - b * BLOCK))).toList();
    }

    /** Writes new data into each block, within the file's size. */
    private static void change(Path image, long[] blocks) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            Random random = new Random(2);
            for (long block : blocks) {
                write(file, block, random);
            }
        }
    }

    private static void write(RandomAccessFile file, long block, Random random) throws IOException {
        byte[] data = new byte[(int) Math.min(BLOCK, file.length() - block * BLOCK)];
        random.nextBytes(data);
        file.seek(block * BLOCK);
        file.write(data);
    }
}
