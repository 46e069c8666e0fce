package io.hearth.bench;

import io.hearth.engine.block.BlockCodec;
import io.hearth.engine.block.Compression;
import io.hearth.engine.crypto.BlobSealer;
import io.hearth.engine.crypto.RepositoryKey;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * zstd compress and decompress of one block, direct buffers in and out, one reused codec per thread
 * (as the pipeline's workers do). Score: blocks/s of plain data; MiB/s = score * blockSize / 2^20.
 * Random blocks do not shrink, so they exercise the "store raw" fallback.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BlockCodecBenchmark {
    @Param({"1", "3"})
    public int level;

    @Param({"text", "random"})
    public String content;

    @Param({"32768", "65536"})
    public int blockSize;

    /** "aes-256-gcm": as an encrypted repository stores blobs (compression, then sealing). */
    @Param({"none", "aes-256-gcm"})
    public String encryption;

    private BlockCodec codec;
    private ByteBuffer plain;
    private ByteBuffer packed;
    private ByteBuffer stored;
    private ByteBuffer restored;
    private Compression storedAs;

    @Setup
    public void setUp() {
        codec = encryption.equals("none") ? new BlockCodec(Compression.ZSTD, level)
                : new BlockCodec(Compression.ZSTD, level, new BlobSealer(RepositoryKey.generate(new SecureRandom()), new SecureRandom()));
        plain = BenchData.block(content, blockSize, 7);
        packed = ByteBuffer.allocateDirect(BlockCodec.maxCompressedLength(blockSize));
        restored = ByteBuffer.allocateDirect(blockSize);
        storedAs = codec.compress(plain, packed);
        stored = ByteBuffer.allocateDirect(packed.remaining()).put(packed.duplicate()).flip();
        System.out.printf("%n# %s block of %d bytes, zstd -%d: stored %d bytes (ratio %.2f, as %s)%n",
                content, blockSize, level, stored.remaining(), (double) blockSize / stored.remaining(), storedAs);
    }

    @TearDown
    public void tearDown() {
        codec.close();
    }

    @Benchmark
    public ByteBuffer compress() {
        codec.compress(plain, packed);
        return packed;
    }

    @Benchmark
    public ByteBuffer decompress() {
        codec.decompress(storedAs, stored, restored, blockSize);
        return restored;
    }
}
