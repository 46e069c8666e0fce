package io.hearth.engine.restore;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a restore writes: a file or block device, or an NBD export. The restore's workers write disjoint ranges from
 * several threads at once; a run of zero blocks is one {@link #zero} call.
 */
public interface RestoreSink extends Closeable {
    /** The most bytes it can hold; a larger backup is refused before anything is written. */
    long capacity() throws IOException;

    /** Writes {@code data} from its position to its limit at {@code position}. */
    void write(ByteBuffer data, long position) throws IOException;

    /** The range must read back as zeros (old data must not show through). */
    void zero(long position, long length) throws IOException;

    /** Makes everything written durable. */
    void flush() throws IOException;

    /** A printable name for messages. */
    String description();
}
