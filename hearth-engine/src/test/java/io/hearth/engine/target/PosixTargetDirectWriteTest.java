package io.hearth.engine.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.PageCache;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack (a large, page-aligned direct buffer) is written around the page cache; anything else through it. Both arrive
 * whole. How much of a file sits in the page cache is read with {@code fincore}.
 */
class PosixTargetDirectWriteTest {
    static final int PAGE = 4096;

    @TempDir
    Path dir;

    @Test
    void anAlignedDirectBufferBypassesThePageCacheSaveItsTailAndArrivesWhole() throws Exception {
        byte[] bytes = random(3 * 1024 * 1024 + 1234, 1);
        ByteBuffer pack = ByteBuffer.allocateDirect(bytes.length + 2 * PAGE).alignedSlice(PAGE);
        pack.put(bytes).flip();
        try (PosixTarget target = new PosixTarget(dir.resolve("repo"))) {
            assertThat(target.putIfAbsent("packs/aa/direct", pack)).isTrue();
            assertThat(pack.position()).as("the caller's buffer is left as it was").isZero();
            Path file = dir.resolve("repo/packs/aa/direct");
            assertThat(PageCache.residentBytes(file)).as("bytes of the pack in the page cache").isLessThanOrEqualTo(PAGE);
            assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        }
    }

    @Test
    void heapMisalignedAndSmallBuffersGoThroughThePageCacheAndArriveWhole() throws Exception {
        byte[] bytes = random(2 * 1024 * 1024 + 77, 2);
        try (PosixTarget target = new PosixTarget(dir.resolve("repo"))) {
            // A heap buffer: the measurement sees a file written through the page cache.
            assertThat(target.putIfAbsent("packs/bb/heap", ByteBuffer.wrap(bytes))).isTrue();
            Path heap = dir.resolve("repo/packs/bb/heap");
            assertThat(PageCache.residentBytes(heap)).isGreaterThan(bytes.length / 2);
            assertThat(Files.readAllBytes(heap)).isEqualTo(bytes);

            // A direct buffer whose data starts off a page boundary.
            ByteBuffer misaligned = ByteBuffer.allocateDirect(bytes.length + 3 * PAGE).alignedSlice(PAGE);
            misaligned.position(100).mark();
            misaligned.put(bytes).limit(misaligned.position()).reset();
            assertThat(target.putIfAbsent("packs/bb/misaligned", misaligned)).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("repo/packs/bb/misaligned"))).isEqualTo(bytes);

            byte[] small = "a manifest".getBytes(StandardCharsets.UTF_8);
            ByteBuffer direct = ByteBuffer.allocateDirect(2 * PAGE).alignedSlice(PAGE).put(small).flip();
            assertThat(target.putIfAbsent("backups/small", direct)).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("repo/backups/small"))).isEqualTo(small);
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
