package io.hearth.bench;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** Block contents for the micro-benchmarks: the same kinds of data as the end-to-end image. */
final class BenchData {
    private BenchData() {}

    /** A direct buffer of {@code size} bytes of {@code kind} (text, random, zero), flipped for reading. */
    static ByteBuffer block(String kind, int size, long seed) {
        byte[] bytes = new byte[size];
        switch (kind) {
            case "text" -> new LogText(seed).fill(bytes, 0, size);
            case "random" -> new SplittableRandom(seed).nextBytes(bytes);
            case "zero" -> { }
            default -> throw new IllegalArgumentException("unknown content kind " + kind);
        }
        return ByteBuffer.allocateDirect(size).put(bytes).flip();
    }
}
