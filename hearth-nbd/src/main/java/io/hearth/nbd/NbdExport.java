package io.hearth.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * What an {@link NbdServer} serves under one export name. The server has checked every range against
 * {@link #size()} and the read-only flag before it calls; implementations must allow concurrent calls.
 */
public interface NbdExport {
    long size();

    boolean readOnly();

    /** Fills {@code destination} from its position to its limit with the bytes at {@code offset}. */
    void read(ByteBuffer destination, long offset) throws IOException;

    /** Writes {@code source} from its position to its limit at {@code offset}; with {@code fua}, durably. */
    void write(ByteBuffer source, long offset, boolean fua) throws IOException;

    /** Makes every completed write durable. */
    void flush() throws IOException;

    /** The client no longer needs the range: it may read back as anything until written. */
    void trim(long offset, long length, boolean fua) throws IOException;

    /** The range must read back as zeros; {@code mayPunch} allows doing it by deallocating. */
    void writeZeroes(long offset, long length, boolean mayPunch, boolean fua) throws IOException;

    /** The allocation of the range, in order, covering at least its start (possibly not all of it). */
    List<Extent> extents(long offset, long length) throws IOException;
}
