package io.hearth.cli.volume;

import io.hearth.cli.ProgressBar;
import io.hearth.nbd.NbdBlockSource;
import io.hearth.nbd.NbdClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Copies a disk image into or out of a volume attached over NBD, in 1 MiB chunks; zero chunks stay (or become) holes. */
final class NbdCopy {
    private static final int CHUNK = 1 << 20;

    private NbdCopy() {}

    /** The image's chunks are written; its zero chunks are written as zeroes the export may deallocate. */
    static void write(FileChannel source, NbdClient device, long length, ProgressBar progress) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        for (long position = 0; position < length; position += CHUNK) {
            int n = (int) Math.min(CHUNK, length - position);
            buffer.clear().limit(n);
            while (buffer.hasRemaining()) {
                if (source.read(buffer, position + buffer.position()) < 0) {
                    throw new IOException("unexpected end of file at " + (position + buffer.position()));
                }
            }
            buffer.flip();
            if (isZero(buffer)) {
                device.writeZeroes(position, n, true);
            } else {
                device.write(buffer, position, false);
            }
            progress.progress(position + n, length);
        }
        device.flush();
        progress.close();
    }

    /**
     * The volume's non-zero chunks are written into {@code target}, which the caller sizes afterwards; the export's
     * holes (BLOCK_STATUS) are not even read.
     */
    static void read(NbdClient device, FileChannel target, ProgressBar progress) throws IOException {
        long length = device.size();
        // Not closed here: the caller owns the connection.
        NbdBlockSource volume = new NbdBlockSource(device, "volume");
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        for (long position = volume.nextData(0); position < length; ) {
            int n = (int) Math.min(CHUNK, Math.min(volume.nextHole(position), length) - position);
            buffer.clear().limit(Math.max(n, 1));
            device.read(buffer, position);
            buffer.flip();
            if (!isZero(buffer)) {
                while (buffer.hasRemaining()) {
                    target.write(buffer, position + buffer.position());
                }
            }
            position = volume.nextData(position + buffer.limit());
            progress.progress(Math.min(position, length), length);
        }
        target.force(false);
        progress.close();
    }

    private static boolean isZero(ByteBuffer buffer) {
        for (int i = buffer.position(); i < buffer.limit(); i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
