package io.hearth.nbd;

import io.hearth.engine.restore.RestoreSink;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A restore written straight onto an NBD export: the restore's workers write through one client from several threads,
 * each write split into requests all in flight together; runs of zero blocks are WRITE_ZEROES that may punch holes, so
 * a sparse backup stays sparse on the export and nothing is staged locally. FLUSH at the end.
 */
public final class NbdRestoreSink implements RestoreSink {
    /** WRITE_ZEROES takes a 32-bit length: a long run of zero blocks is asked in pieces of this size. */
    private static final long ZERO_REQUEST = 1L << 30;
    private static final int ZERO_BUFFER = 1 << 20;

    private final NbdClient client;
    private final String description;

    private NbdRestoreSink(NbdClient client, String description) {
        this.client = client;
        this.description = description;
    }

    /** Takes over {@code client} (closing the sink closes it); a read-only export is refused. */
    public static NbdRestoreSink of(NbdClient client, String description) throws IOException {
        if (client.readOnly()) {
            client.close();
            throw new IOException("the export is read-only; attach the volume read-write to restore onto it");
        }
        return new NbdRestoreSink(client, description);
    }

    @Override
    public long capacity() {
        return client.size();
    }

    @Override
    public void write(ByteBuffer data, long position) throws IOException {
        client.write(data, position, false);
    }

    @Override
    public void zero(long position, long length) throws IOException {
        long end = position + length;
        if (client.canWriteZeroes()) {
            for (long at = position; at < end; at += ZERO_REQUEST) {
                client.writeZeroes(at, Math.min(ZERO_REQUEST, end - at), true);
            }
        } else {
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_BUFFER, length));
            for (long at = position; at < end; at += zeros.capacity()) {
                client.write(zeros.clear().limit((int) Math.min(zeros.capacity(), end - at)), at, false);
            }
        }
    }

    @Override
    public void flush() throws IOException {
        client.flush();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
