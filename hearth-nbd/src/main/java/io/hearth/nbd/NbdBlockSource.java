package io.hearth.nbd;

import io.hearth.engine.source.BlockSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A volume read over NBD for a backup. The backup's workers call {@link #readFully} from several threads
 * at once and each read is split into requests that are all in flight together; holes are found with
 * BLOCK_STATUS (base:allocation), asked for a large window at a time and remembered.
 */
public final class NbdBlockSource implements BlockSource {
    /** How much one BLOCK_STATUS asks about; the server may answer for less. */
    private static final long STATUS_WINDOW = 1L << 30;

    private final NbdClient client;
    private final String description;
    private List<Extent> known = List.of();

    public NbdBlockSource(NbdClient client, String description) {
        this.client = client;
        this.description = description;
    }

    @Override
    public long size() {
        return client.size();
    }

    @Override
    public void readFully(ByteBuffer destination, long position) throws IOException {
        if (position < 0 || position + destination.remaining() > client.size()) {
            throw new EOFException(description + " has " + client.size() + " bytes; asked for " + destination.remaining() + " at " + position);
        }
        client.read(destination, position);
    }

    @Override
    public long nextData(long position) throws IOException {
        return walk(position, false);
    }

    @Override
    public long nextHole(long position) throws IOException {
        return walk(position, true);
    }

    /** The first offset at or after {@code position} whose extent is (or is not) a hole. */
    private synchronized long walk(long position, boolean hole) throws IOException {
        long size = client.size();
        if (!client.hasBlockStatus()) {
            return hole ? size : position;
        }
        long at = position;
        while (at < size) {
            Extent extent = extentAt(at);
            if (extent.hole() == hole) {
                return at;
            }
            at = extent.end();
        }
        return size;
    }

    private Extent extentAt(long position) throws IOException {
        for (Extent extent : known) {
            if (extent.offset() <= position && position < extent.end()) {
                return extent;
            }
        }
        known = client.blockStatus(position, Math.min(STATUS_WINDOW, client.size() - position));
        if (known.isEmpty() || known.getFirst().offset() != position) {
            throw new IOException(description + ": the server's block status does not start at " + position);
        }
        return known.getFirst();
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
