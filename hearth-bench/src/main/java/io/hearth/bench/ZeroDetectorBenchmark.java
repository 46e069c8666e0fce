package io.hearth.bench;

import io.hearth.engine.block.ZeroDetector;
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
 * The all-zero test every block goes through. {@code zero}: the whole block is scanned (the worst case,
 * and 40% of the benchmark image); {@code lastByte}: one non-zero byte at the end (also a full scan);
 * {@code text}: data from the first byte (exits at once). Score: blocks/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ZeroDetectorBenchmark {
    @Param({"zero", "lastByte", "text"})
    public String content;

    @Param({"32768", "65536"})
    public int blockSize;

    private ZeroDetector detector;
    private ByteBuffer block;

    @Setup
    public void setUp() {
        detector = new ZeroDetector();
        if (content.equals("lastByte")) {
            block = BenchData.block("zero", blockSize, 0);
            block.put(blockSize - 1, (byte) 1);
        } else {
            block = BenchData.block(content, blockSize, 3);
        }
    }

    @Benchmark
    public boolean isAllZero() {
        return detector.isAllZero(block);
    }
}
