package io.hearth.engine.block;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** Finds all-zero blocks, which are never hashed, stored nor fetched. */
public final class ZeroDetector {
    private static final int ZERO_LENGTH = 1 << 20;
    private final MemorySegment zeros = MemorySegment.ofArray(new byte[ZERO_LENGTH]);

    /** True if every byte from position to limit is zero. Uses the JDK's vectorized mismatch. */
    public boolean isAllZero(ByteBuffer data) {
        MemorySegment segment = MemorySegment.ofBuffer(data);
        long length = segment.byteSize();
        for (long offset = 0; offset < length; offset += ZERO_LENGTH) {
            long chunk = Math.min(ZERO_LENGTH, length - offset);
            if (segment.asSlice(offset, chunk).mismatch(zeros.asSlice(0, chunk)) != -1) {
                return false;
            }
        }
        return true;
    }
}
