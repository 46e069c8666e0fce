package io.hearth.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * The reply stream of an NBD connection: headers are parsed from a small buffer, data is read from the channel straight
 * into the caller's buffer (direct or not), with no copy and no allocation per reply.
 */
final class ChannelInput {
    private final ReadableByteChannel channel;
    private final ByteBuffer inbox = ByteBuffer.allocateDirect(64 << 10).flip();

    ChannelInput(ReadableByteChannel channel) {
        this.channel = channel;
    }

    int readInt() throws IOException {
        need(4);
        return inbox.getInt();
    }

    long readLong() throws IOException {
        need(8);
        return inbox.getLong();
    }

    int readUnsignedShort() throws IOException {
        need(2);
        return Short.toUnsignedInt(inbox.getShort());
    }

    byte[] readBytes(int count) throws IOException {
        byte[] bytes = new byte[count];
        readFully(ByteBuffer.wrap(bytes));
        return bytes;
    }

    /** Fills {@code target} from its position to its limit. */
    void readFully(ByteBuffer target) throws IOException {
        int buffered = Math.min(inbox.remaining(), target.remaining());
        target.put(inbox.slice(inbox.position(), buffered));
        inbox.position(inbox.position() + buffered);
        while (target.hasRemaining()) {
            if (channel.read(target) < 0) {
                throw new EOFException();
            }
        }
    }

    void skip(long count) throws IOException {
        for (long left = count; left > 0; ) {
            if (!inbox.hasRemaining()) {
                need(1);
            }
            int step = (int) Math.min(left, inbox.remaining());
            inbox.position(inbox.position() + step);
            left -= step;
        }
    }

    /** At least {@code count} bytes are in the inbox. */
    private void need(int count) throws IOException {
        if (inbox.remaining() >= count) {
            return;
        }
        inbox.compact();
        try {
            while (inbox.position() < count) {
                if (channel.read(inbox) < 0) {
                    throw new EOFException();
                }
            }
        } finally {
            inbox.flip();
        }
    }
}
