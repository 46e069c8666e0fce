package io.hearth.bench;

import io.hearth.engine.block.BlockHasher;
import io.hearth.engine.block.BlockId;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The id of one block held in a direct buffer (what the backup pipeline hashes): SHA-256, or HMAC-SHA256 as encrypted
 * repositories name blocks. Score: blocks/s; MiB/s = score * blockSize / 2^20.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BlockHasherBenchmark {
    @Param({"32768", "65536"})
    public int blockSize;

    @Param({"sha256", "hmac-sha256"})
    public String hash;

    private BlockHasher hasher;
    private ByteBuffer block;

    @Setup
    public void setUp() {
        hasher = hash.equals("sha256") ? BlockHasher.sha256()
                : BlockHasher.hmacSha256(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
        block = BenchData.block("random", blockSize, 1);
    }

    @Benchmark
    public BlockId blockId() {
        return hasher.hash(block);
    }
}
