package io.hearth.nbd;

import io.hearth.engine.source.FileBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** A raw file (a sparse volume or snapshot) served as an export; {@link TrackedExport} adds change tracking. */
public final class FileExport implements NbdExport, AutoCloseable {
    private static final int ZERO_CHUNK = 1 << 20;
    private static final int MAX_EXTENTS = 1024;

    /** Reads and finds holes (the engine's file source does both); writes go through {@code channel}. */
    private final FileBlockSource reader;
    private final FileChannel channel;
    private final HolePuncher puncher;
    private final boolean readOnly;

    private FileExport(FileBlockSource reader, FileChannel channel, HolePuncher puncher, boolean readOnly) {
        this.reader = reader;
        this.channel = channel;
        this.puncher = puncher;
        this.readOnly = readOnly;
    }

    public static FileExport readOnly(Path path) throws IOException {
        return new FileExport(FileBlockSource.open(path), null, null, true);
    }

    public static FileExport writable(Path path) throws IOException {
        FileBlockSource reader = FileBlockSource.open(path);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.WRITE);
            return new FileExport(reader, channel, HolePuncher.open(path), false);
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
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        // Advisory: where punching is not possible the old data simply stays.
        puncher.punch(offset, length);
        if (fua) {
            flush();
        }
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayPunch, boolean fua) throws IOException {
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
