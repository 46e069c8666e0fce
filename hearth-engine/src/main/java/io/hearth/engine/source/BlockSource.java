package io.hearth.engine.source;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a backup reads a volume from: a file, a block device, or (later) an NBD export.
 * Positional reads only, so that one source can serve many readers: a backup calls {@link #readFully}
 * from several threads at once, for different chunks.
 */
public interface BlockSource extends Closeable {
    /** The size in bytes, fixed for the life of the source. */
    long size() throws IOException;

    /**
     * Fills {@code destination} from its position to its limit with the bytes at {@code position}.
     *
     * @throws java.io.EOFException if the source ends first
     */
    void readFully(ByteBuffer destination, long position) throws IOException;

    /**
     * The first offset at or after {@code position} that may hold non-zero data; everything before
     * it is known to read as zeros. Sources that cannot tell return {@code position}.
     */
    default long nextData(long position) throws IOException {
        return position;
    }

    /**
     * The first offset at or after {@code position} from which the source may read as zeros (a hole),
     * or the size. Sources that cannot tell return the size.
     */
    default long nextHole(long position) throws IOException {
        return size();
    }

    /** A printable name for messages. */
    String description();
}
