package io.hearth.engine.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.DirectIo;
import io.hearth.engine.PageCache;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large ranged read into a direct buffer placed like the range lies in the file (a restore's run of a pack) comes
 * around the page cache, save the pages of its unaligned head and tail; other reads come through it. Both arrive whole.
 */
class PosixTargetDirectReadTest {
    static final int PAGE = DirectIo.ALIGNMENT;

    @TempDir
    Path dir;

    @Test
    void aRangeReadIntoABufferPlacedLikeTheFileBypassesThePageCacheSaveItsEnds() throws Exception {
        byte[] bytes = random(5 * 1024 * 1024 + 99, 1);
        try (PosixTarget target = new PosixTarget(dir.resolve("repo"))) {
            Path file = write(target, "packs/aa/pack", bytes);
            long offset = 3 * PAGE + 1234;
            int length = 3 * 1024 * 1024 + 4321;
            ByteBuffer placed = DirectIo.allocate(length + PAGE).slice((int) (offset % PAGE), length);

            target.readInto("packs/aa/pack", offset, placed);

            assertThat(placed.hasRemaining()).isFalse();
            assertThat(bytes(placed.flip())).isEqualTo(Arrays.copyOfRange(bytes, (int) offset, (int) offset + length));
            // the head's page, the tail's page, and the page the file's own unaligned tail was written through
            assertThat(PageCache.residentBytes(file)).as("bytes of the pack in the page cache").isLessThanOrEqualTo(3 * PAGE);
        }
    }

    @Test
    void heapMisplacedAndSmallReadsComeThroughThePageCacheWhole() throws Exception {
        byte[] bytes = random(4 * 1024 * 1024, 2);
        try (PosixTarget target = new PosixTarget(dir.resolve("repo"))) {
            // The control: a heap buffer, which the measurement sees come through the page cache.
            Path heapFile = write(target, "packs/bb/heap", bytes);
            ByteBuffer heap = ByteBuffer.allocate(bytes.length - 10);
            target.readInto("packs/bb/heap", 10, heap);
            assertThat(bytes(heap.flip())).isEqualTo(Arrays.copyOfRange(bytes, 10, bytes.length));
            assertThat(PageCache.residentBytes(heapFile)).isGreaterThan(bytes.length / 2);

            // A direct buffer whose start does not fall where the data does in its page.
            write(target, "packs/bb/misplaced", bytes);
            ByteBuffer misplaced = DirectIo.allocate(bytes.length).slice(0, bytes.length - 100);
            target.readInto("packs/bb/misplaced", 100, misplaced);
            assertThat(bytes(misplaced.flip())).isEqualTo(Arrays.copyOfRange(bytes, 100, bytes.length));

            ByteBuffer small = DirectIo.allocate(PAGE);
            target.readInto("packs/bb/misplaced", PAGE, small);
            assertThat(bytes(small.flip())).isEqualTo(Arrays.copyOfRange(bytes, PAGE, 2 * PAGE));
        }
    }

    @Test
    void aRangeBeyondTheEndOfATruncatedPackFailsAsBefore() throws Exception {
        byte[] bytes = random(3 * 1024 * 1024, 3);
        try (PosixTarget target = new PosixTarget(dir.resolve("repo"))) {
            Path file = write(target, "packs/cc/pack", bytes);
            try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                channel.truncate(2 * 1024 * 1024 + 17);
            }
            ByteBuffer placed = DirectIo.allocate(bytes.length).slice(0, bytes.length - PAGE);
            assertThatThrownBy(() -> target.readInto("packs/cc/pack", 0, placed)).isInstanceOf(EOFException.class)
                    .hasMessageContaining("packs/cc/pack");
        }
    }

    private Path write(PosixTarget target, String key, byte[] bytes) throws Exception {
        ByteBuffer aligned = DirectIo.allocate(bytes.length).put(bytes).flip();
        assertThat(target.putIfAbsent(key, aligned)).isTrue();
        Path file = dir.resolve("repo").resolve(key);
        assertThat(PageCache.residentBytes(file)).as("written around the page cache").isLessThanOrEqualTo(PAGE);
        return file;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
