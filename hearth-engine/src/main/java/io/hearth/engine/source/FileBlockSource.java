package io.hearth.engine.source;

import io.hearth.engine.DirectIo;
import io.hearth.engine.HearthException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A regular file or a block device read with positional reads. Aligned reads into aligned direct buffers go around the
 * page cache ({@link DirectIo}): a volume is read once, and copying it through the cache cost CPU and evicted what the
 * host had cached. The rest (a volume's unaligned tail) goes through the page cache.
 */
public final class FileBlockSource implements BlockSource {
    private final Path path;
    private final FileChannel channel;
    private final java.util.Optional<FileChannel> direct;
    private volatile boolean directFailed;
    private final long size;
    private final java.util.Optional<SparseFiles.Handle> holes;

    private FileBlockSource(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.direct = DirectIo.open(path, StandardOpenOption.READ);
        this.size = size;
        // Only regular files have holes worth asking about; devices are read whole.
        this.holes = Files.isRegularFile(path) ? SPARSE.flatMap(sparse -> sparse.open(path, size)) : java.util.Optional.empty();
    }

    /** The libc bindings are looked up once; they hold no state. */
    private static final java.util.Optional<SparseFiles> SPARSE = SparseFiles.load();

    @Override
    public long nextData(long position) {
        return holes.map(h -> h.nextData(position)).orElse(position);
    }

    @Override
    public long nextHole(long position) {
        return holes.map(h -> h.nextHole(position)).orElse(size);
    }

    /** Opens the file; a missing or unreadable file is a clear bad-input error. */
    public static FileBlockSource open(Path path) {
        try {
            if (Files.isDirectory(path)) {
                throw HearthException.badInput("source " + path + " is a directory, not a file or block device");
            }
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            // size() is 0 for block devices; their end is found by seeking.
            long size = channel.size();
            if (size == 0 && !Files.isRegularFile(path)) {
                size = channel.position(0).size();
                try (var raf = new java.io.RandomAccessFile(path.toFile(), "r")) {
                    size = raf.length();
                }
            }
            return new FileBlockSource(path, channel, size);
        } catch (NoSuchFileException e) {
            throw HearthException.badInput("source " + path + " does not exist");
        } catch (AccessDeniedException e) {
            throw HearthException.badInput("source " + path + " cannot be read: permission denied");
        } catch (IOException e) {
            throw HearthException.badInput("source " + path + " cannot be opened: " + e.getMessage());
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void readFully(ByteBuffer destination, long position) throws IOException {
        int aligned = direct.isPresent() && !directFailed ? DirectIo.alignedLength(destination, position) : 0;
        if (aligned > 0) {
            // A file system that opens with O_DIRECT but refuses the reads: the page cache from here on.
            int before = destination.position();
            if (!DirectIo.transfer(destination, position, aligned, direct.get()::read)) {
                directFailed = true;
            }
            position += destination.position() - before;
        }
        while (destination.hasRemaining()) {
            int n = channel.read(destination, position);
            if (n < 0) {
                throw new EOFException(path + " ended at byte " + position + " while " + size + " were expected");
            }
            position += n;
        }
    }

    @Override
    public String description() {
        return path.toString();
    }

    @Override
    public void close() throws IOException {
        holes.ifPresent(SparseFiles.Handle::close);
        try (channel) {
            if (direct.isPresent()) {
                direct.get().close();
            }
        }
    }
}
