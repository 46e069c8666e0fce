package io.hearth.nbd;

import io.hearth.engine.source.FileBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw file (a sparse volume or snapshot) served as an export. Every change (write, trim, write-zeroes)
 * is reported to the {@link ChangeListener} before it is acknowledged, which is how the volume service
 * tracks changed blocks.
 */
public final class FileExport implements NbdExport, AutoCloseable {
    /** Told of each range about to change, before the change is made. */
    @FunctionalInterface
    public interface ChangeListener {
        void changing(long offset, long length) throws IOException;

        /** Told once the client asked for durability (FLUSH or FUA), after the data is durable. */
        default void flushed() throws IOException {}
    }

    private static final int ZERO_CHUNK = 1 << 20;
    private static final int MAX_EXTENTS = 1024;

    /** Reads and finds holes (the engine's file source does both); writes go through {@code channel}. */
    private final FileBlockSource reader;
    private final FileChannel channel;
    private final HolePuncher puncher;
    private final boolean readOnly;
    private final ChangeListener listener;

    private FileExport(FileBlockSource reader, FileChannel channel, HolePuncher puncher, boolean readOnly, ChangeListener listener) {
        this.reader = reader;
        this.channel = channel;
        this.puncher = puncher;
        this.readOnly = readOnly;
        this.listener = listener;
    }

    public static FileExport readOnly(Path path) throws IOException {
        return open(path, true, (offset, length) -> {
            throw new IOException("read-only export");
        });
    }

    public static FileExport writable(Path path, ChangeListener listener) throws IOException {
        return open(path, false, listener);
    }

    private static FileExport open(Path path, boolean readOnly, ChangeListener listener) throws IOException {
        FileBlockSource reader = FileBlockSource.open(path);
        if (readOnly) {
            return new FileExport(reader, null, null, true, listener);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.WRITE);
            return new FileExport(reader, channel, HolePuncher.open(path), false, listener);
        } catch (IOException | RuntimeException e) {
            reader.close();
            if (channel != null) {
                channel.close();
            }
            throw e;
        }
    }

    @Override
    public long size() {
        return reader.size();
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(ByteBuffer destination, long offset) throws IOException {
        reader.readFully(destination, offset);
    }

    @Override
    public void write(ByteBuffer source, long offset, boolean fua) throws IOException {
        listener.changing(offset, source.remaining());
        while (source.hasRemaining()) {
            offset += channel.write(source, offset);
        }
        if (fua) {
            flush();
        }
    }

    @Override
    public void flush() throws IOException {
        if (channel != null) {
            channel.force(false);
        }
        listener.flushed();
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        listener.changing(offset, length);
        // Advisory: where punching is not possible the old data simply stays.
        puncher.punch(offset, length);
        if (fua) {
            flush();
        }
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayPunch, boolean fua) throws IOException {
        listener.changing(offset, length);
        if (!mayPunch || !puncher.punch(offset, length)) {
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK, length));
            long end = offset + length;
            for (long at = offset; at < end; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), end - at));
                while (zeros.hasRemaining()) {
                    at += channel.write(zeros, at);
                }
            }
        }
        if (fua) {
            flush();
        }
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        long end = Math.min(reader.size(), offset + length);
        List<Extent> extents = new ArrayList<>();
        for (long at = offset; at < end && extents.size() < MAX_EXTENTS; ) {
            long data = reader.nextData(at);
            if (data > at) {
                long holeEnd = Math.min(data, end);
                extents.add(new Extent(at, holeEnd - at, true));
                at = holeEnd;
                continue;
            }
            long dataEnd = Math.min(Math.max(reader.nextHole(at), at + 1), end);
            extents.add(new Extent(at, dataEnd - at, false));
            at = dataEnd;
        }
        return extents;
    }

    @Override
    public void close() throws IOException {
        reader.close();
        if (channel != null) {
            puncher.close();
            channel.close();
        }
    }
}
