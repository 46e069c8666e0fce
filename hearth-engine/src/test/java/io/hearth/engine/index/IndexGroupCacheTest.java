package io.hearth.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.block.BlockId;
import io.hearth.engine.block.Compression;
import io.hearth.engine.pack.BlobType;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lookups through the cache of entry groups find what the file holds, and the cache stays within its bound. */
class IndexGroupCacheTest {
    @TempDir
    Path dir;

    @Test
    void lookupsFindTheSameEntriesFromTheCacheAsFromTheFile() throws IOException {
        List<PackEntry> entries = entries(5000, 1);
        Path file = write(entries);
        IndexGroupCache groups = new IndexGroupCache(IndexGroupCache.DEFAULT_GROUPS);
        try (IndexRun run = IndexRun.open("run", file, groups)) {
            for (int pass = 0; pass < 2; pass++) {
                for (PackEntry expected : entries) {
                    assertThat(run.find(expected.id())).contains(expected);
                }
            }
            // every group was read once and kept: 5000 entries in groups of 64
            assertThat(groups.size()).isEqualTo((5000 + IndexRun.FENCE_EVERY - 1) / IndexRun.FENCE_EVERY);
            // The file is not read again: a lookup answered after the file was overwritten still finds the entry.
            overwrite(file);
            assertThat(run.find(entries.get(1234).id())).contains(entries.get(1234));
            assertThat(run.find(new BlockId(1, 2, 3, 4))).isEmpty();
        }
        assertThat(groups.size()).as("a closed run's groups leave the cache").isZero();
    }

    @Test
    void aFullCacheMakesRoomAndLookupsStillFindEverything() throws IOException {
        List<PackEntry> entries = entries(20_000, 2);
        Path file = write(entries);
        IndexGroupCache groups = new IndexGroupCache(10);
        try (IndexRun run = IndexRun.open("run", file, groups)) {
            for (PackEntry expected : entries) {
                assertThat(run.find(expected.id())).contains(expected);
                assertThat(groups.size()).isLessThanOrEqualTo(10);
            }
            assertThat(groups.size()).isEqualTo(10);
        }
    }

    @Test
    void withoutACacheEveryLookupReadsTheFile() throws IOException {
        List<PackEntry> entries = entries(1000, 3);
        Path file = write(entries);
        try (IndexRun run = IndexRun.open("run", file)) {
            assertThat(run.find(entries.get(10).id())).contains(entries.get(10));
            overwrite(file);
            assertThat(run.find(entries.get(10).id())).as("read from the overwritten file").isEmpty();
        }
    }

    private static List<PackEntry> entries(int count, long seed) {
        Random random = new Random(seed);
        List<PackEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(new PackEntry(new BlockId(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()),
                    new PackId(i, ~i), i * 100L, 50, 4096, BlobType.DATA, Compression.ZSTD));
        }
        entries.sort(Comparator.comparing(PackEntry::id));
        return entries;
    }

    private Path write(List<PackEntry> entries) throws IOException {
        Path file = dir.resolve("run-" + entries.size());
        ByteBuffer object = IndexFormat.write(entries);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (object.hasRemaining()) {
                channel.write(object);
            }
        }
        return file;
    }

    /** Zeroes the entries in place (header kept), so that anything read from the file afterwards matches no id. */
    private static void overwrite(Path file) throws IOException {
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate((int) (size - IndexFormat.HEADER_BYTES));
            channel.write(zeros, IndexFormat.HEADER_BYTES);
        }
    }
}
