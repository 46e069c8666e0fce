package io.hearth.engine.restore;

import io.hearth.engine.DirectIo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A regular file, created or truncated to the backup's size so that zero blocks stay holes, or a block device, on which
 * zero blocks are written as zeros. Written data is flushed in the background every {@value #WRITEBACK_BYTES} bytes
 * ({@link Writeback}), so the disk writes while the workers decode and the final flush waits for the last stretch only.
 */
public final class FileRestoreSink implements RestoreSink {
    private static final int ZERO_CHUNK = 1 << 20;
    private static final long WRITEBACK_BYTES = 64L << 20;

    private final Path path;
    private final FileChannel channel;
    private final java.util.Optional<FileChannel> direct;
    private volatile boolean directFailed;
    private final boolean regularFile;
    private final ByteBuffer zeros;
    private final Writeback writeback;

    private FileRestoreSink(Path path, FileChannel channel, boolean regularFile) {
        this.path = path;
        this.channel = channel;
        this.direct = DirectIo.open(path, StandardOpenOption.WRITE);
        this.writeback = new Writeback(channel, WRITEBACK_BYTES);
        this.regularFile = regularFile;
        this.zeros = regularFile ? null : ByteBuffer.allocateDirect(ZERO_CHUNK);
    }

    /** Opens {@code path} for a restore of {@code size} bytes. */
    public static FileRestoreSink open(Path path, long size) throws IOException {
        boolean regularFile = !Files.exists(path) || Files.isRegularFile(path);
        if (regularFile) {
            try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
                file.setLength(0); // dropping old data leaves holes where zero blocks go
                file.setLength(size);
            }
        }
        return new FileRestoreSink(path, FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE), regularFile);
    }

    @Override
    public long capacity() {
        return Long.MAX_VALUE;
    }

    @Override
    public void write(ByteBuffer data, long position) throws IOException {
        ByteBuffer view = data.duplicate();
        int aligned = direct.isPresent() && !directFailed ? DirectIo.alignedLength(view, position) : 0;
        if (aligned > 0) {
            // Around the page cache: restored data is not read back, and copying it into the cache cost CPU. Refused
            // after all: the page cache from here on.
            int before = view.position();
            if (!DirectIo.transfer(view, position, aligned, direct.get()::write)) {
                directFailed = true;
            }
            position += view.position() - before;
        }
        writeFully(view, position);
        writeback.wrote(data.remaining());
    }

    @Override
    public void zero(long position, long length) throws IOException {
        if (regularFile) {
            return; // a hole already
        }
        synchronized (zeros) {
            for (long at = position, end = position + length; at < end; at += ZERO_CHUNK) {
                writeFully(zeros.clear().limit((int) Math.min(ZERO_CHUNK, end - at)), at);
            }
        }
    }

    private void writeFully(ByteBuffer view, long position) throws IOException {
        while (view.hasRemaining()) {
            position += channel.write(view, position);
        }
    }

    @Override
    public void flush() throws IOException {
        writeback.finish();
    }

    @Override
    public String description() {
        return path.toString();
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            if (direct.isPresent()) {
                direct.get().close();
            }
        }
    }
}
