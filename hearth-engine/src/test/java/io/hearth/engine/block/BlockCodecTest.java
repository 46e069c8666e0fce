package io.hearth.engine.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockCodecTest {
    private static final int BLOCK = 32 * 1024;

    @Test
    void randomDataAfterRandomDataIsStoredRawAndTextAfterItIsStillCompressed() {
        for (Compression algorithm : new Compression[] {Compression.ZSTD, Compression.ZLIB}) {
            try (BlockCodec codec = new BlockCodec(algorithm, 1)) {
                ByteBuffer target = ByteBuffer.allocateDirect(BlockCodec.maxCompressedLength(BLOCK));
                assertThat(codec.compress(random(1), target)).isEqualTo(Compression.NONE);
                assertThat(target.remaining()).isEqualTo(BLOCK);
                // The next one is tried on a sample: random again, raw again.
                ByteBuffer second = random(2);
                assertThat(codec.compress(second, target)).isEqualTo(Compression.NONE);
                assertThat(target).isEqualTo(second);
                // Text after random data: the sample shrinks, so the whole block is compressed and decodes to itself.
                ByteBuffer text = text();
                assertThat(codec.compress(text, target)).as(algorithm.name()).isEqualTo(algorithm);
                assertThat(target.remaining()).isLessThan(BLOCK / 2);
                ByteBuffer plain = ByteBuffer.allocateDirect(BLOCK);
                codec.decompress(algorithm, target, plain, BLOCK);
                assertThat(plain).isEqualTo(text);
                // A block whose first 4 KiB are random but the rest compressible: compressed when it does not follow
                // an incompressible one.
                ByteBuffer mixed = text();
                mixed.put(0, random(3).slice(0, 4096), 0, 4096);
                assertThat(codec.compress(mixed, target)).isEqualTo(algorithm);
            }
        }
    }

    private static ByteBuffer random(long seed) {
        byte[] bytes = new byte[BLOCK];
        new Random(seed).nextBytes(bytes);
        return ByteBuffer.allocateDirect(BLOCK).put(bytes).flip();
    }

    private static ByteBuffer text() {
        StringBuilder lines = new StringBuilder();
        Random random = new Random(7);
        while (lines.length() < BLOCK) {
            lines.append("2026-11-24T12:00:").append(random.nextInt(60)).append(" INFO backup ").append(random.nextInt(1000))
                    .append(" done\n");
        }
        byte[] bytes = lines.substring(0, BLOCK).getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocateDirect(BLOCK).put(bytes).flip();
    }
}
