package io.hearth.engine.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.DirectIo;
import io.hearth.engine.PageCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A volume's aligned reads into aligned buffers go around the page cache; every read returns the volume's bytes. */
class FileBlockSourceDirectReadTest {
    static final int SIZE = 2 * 1024 * 1024 + 1000; // an unaligned tail, as a volume's size need not be aligned

    @TempDir
    Path dir;

    @Test
    void alignedReadsLeaveThePageCacheAloneAndTheTailIsReadToo() throws Exception {
        byte[] bytes = random(SIZE, 3);
        Path volume = uncached(bytes);
        try (FileBlockSource source = FileBlockSource.open(volume)) {
            ByteBuffer whole = DirectIo.allocate(SIZE);
            source.readFully(whole, 0);
            assertThat(whole.hasRemaining()).isFalse();
            assertThat(content(whole.flip())).isEqualTo(bytes);
            assertThat(PageCache.residentBytes(volume)).as("bytes of the volume in the page cache").isLessThanOrEqualTo(DirectIo.ALIGNMENT);

            // a block in the middle, and the last, partial one
            ByteBuffer block = DirectIo.allocate(32 * 1024);
            source.readFully(block, 1024 * 1024);
            assertThat(content(block.flip())).isEqualTo(java.util.Arrays.copyOfRange(bytes, 1024 * 1024, 1024 * 1024 + 32 * 1024));
            ByteBuffer tail = DirectIo.allocate(32 * 1024).limit(SIZE % (32 * 1024));
            source.readFully(tail, SIZE - SIZE % (32 * 1024));
            assertThat(content(tail.flip())).isEqualTo(java.util.Arrays.copyOfRange(bytes, SIZE - SIZE % (32 * 1024), SIZE));
        }
    }

    @Test
    void readsIntoHeapOrMisalignedBuffersGoThroughThePageCache() throws Exception {
        byte[] bytes = random(SIZE, 4);
        Path volume = uncached(bytes);
        try (FileBlockSource source = FileBlockSource.open(volume)) {
            ByteBuffer heap = ByteBuffer.allocate(1024 * 1024);
            source.readFully(heap, 0);
            assertThat(content(heap.flip())).isEqualTo(java.util.Arrays.copyOf(bytes, 1024 * 1024));
            assertThat(PageCache.residentBytes(volume)).as("the measurement sees cached reads").isGreaterThanOrEqualTo(1024 * 1024);

            ByteBuffer misaligned = DirectIo.allocate(1024 * 1024 + 4096).position(100).slice();
            source.readFully(misaligned.limit(1024 * 1024), 1024 * 1024);
            assertThat(content(misaligned.flip())).isEqualTo(java.util.Arrays.copyOfRange(bytes, 1024 * 1024, 2 * 1024 * 1024));
        }
    }

    /** Writes the volume with O_DIRECT (dd), so that none of it is in the page cache. */
    private Path uncached(byte[] bytes) throws IOException, InterruptedException {
        Path staged = Files.write(dir.resolve("staged"), bytes);
        Path volume = dir.resolve("volume");
        Process dd = new ProcessBuilder("dd", "if=" + staged, "of=" + volume, "bs=1M", "oflag=direct", "status=none").inheritIO().start();
        assertThat(dd.waitFor()).isZero();
        assertThat(Files.size(volume)).isEqualTo(SIZE);
        assertThat(PageCache.residentBytes(volume)).as("written around the page cache but its last, partial page").isLessThanOrEqualTo(DirectIo.ALIGNMENT);
        return volume;
    }

    private static byte[] content(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
