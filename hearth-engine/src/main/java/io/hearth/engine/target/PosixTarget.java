package io.hearth.engine.target;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.DirectIo;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A target in a local directory or a mounted share (NFS included).
 *
 * <p>Writes follow restic's local backend: a temporary file in the same directory, fsync, then
 * an atomic hard link to the final name (which fails if the name exists, so two writers of one key
 * cannot clobber each other, also on NFS), then fsync of the directory.
 */
public final class PosixTarget implements BackupTarget {
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path root;
    private final boolean durable;
    /** The file system would not open a file with O_DIRECT: write and read through the page cache from then on. */
    private volatile boolean directRefused;

    /**
     * @param root the directory holding the repository (created if absent)
     * @param durable fsync files and directories before a write returns; off only in tests of speed
     */
    public PosixTarget(Path root, boolean durable) throws IOException {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.durable = durable;
        Files.createDirectories(this.root);
    }

    public PosixTarget(Path root) throws IOException {
        this(root, true);
    }

    public Path root() {
        return root;
    }

    private Path resolve(String key) {
        return root.resolve(ObjectKeys.check(key));
    }

    @Override
    public boolean putIfAbsent(String key, ByteBuffer data) throws IOException {
        Path file = resolve(key);
        if (Files.exists(file)) {
            return false;
        }
        Path directory = file.getParent();
        Files.createDirectories(directory);
        Path temp = directory.resolve(TEMP_PREFIX + UUID.randomUUID());
        try {
            write(temp, data.duplicate());
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            if (durable) {
                syncDirectory(directory);
            }
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Writes a new file. A large, page-aligned direct buffer (a pack) goes to the disk with O_DIRECT ({@link DirectIo}),
     * its unaligned tail through the page cache; anything else, and everything where the file system refuses O_DIRECT,
     * through the page cache.
     */
    private void write(Path file, ByteBuffer view) throws IOException {
        int direct = directRefused || view.remaining() < DirectIo.MIN_BYTES ? 0 : DirectIo.alignedLength(view, 0);
        if (direct > 0) {
            Optional<FileChannel> opened = DirectIo.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            if (opened.isEmpty()) {
                directRefused = true;
                direct = 0;
                Files.deleteIfExists(file);
            } else {
                try (FileChannel channel = opened.get()) {
                    writeFully(channel, view.slice(view.position(), direct));
                } catch (IOException e) {
                    // written again below, through the page cache, which reports the error again if it is the disk's
                    direct = 0;
                    Files.deleteIfExists(file);
                }
            }
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.position(direct);
            writeFully(channel, view.position(view.position() + direct));
            if (durable) {
                channel.force(true);
            }
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        try {
            return Files.newInputStream(resolve(key));
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        }
    }

    @Override
    public void readInto(String key, long offset, ByteBuffer destination) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        Path file = resolve(key);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = offset;
            // A large read into a buffer placed like the data in the file (a restore's run of a pack) comes around the
            // page cache: its unaligned head and tail through it, the aligned middle with O_DIRECT.
            int head = (int) Math.floorMod(-offset, (long) DirectIo.ALIGNMENT);
            int direct = directRefused || destination.remaining() - head < DirectIo.MIN_BYTES ? 0
                    : DirectIo.alignedLength(destination.slice(destination.position() + head, destination.remaining() - head), offset + head);
            if (direct > 0) {
                readFully(key, channel, destination.slice(destination.position(), head), position);
                destination.position(destination.position() + head);
                position += head;
                Optional<FileChannel> opened = DirectIo.open(file, StandardOpenOption.READ);
                if (opened.isEmpty()) {
                    directRefused = true;
                } else {
                    try (FileChannel around = opened.get()) {
                        int before = destination.position();
                        directRefused = !DirectIo.transfer(destination, position, direct, around::read);
                        position += destination.position() - before;
                    }
                }
            }
            readFully(key, channel, destination, position);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        }
    }

    private static void readFully(String key, FileChannel channel, ByteBuffer destination, long position) throws IOException {
        while (destination.hasRemaining()) {
            int read = channel.read(destination, position);
            if (read < 0) {
                throw new EOFException("object " + key + " ends before byte " + (position + destination.remaining()));
            }
            position += read;
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(resolve(key), BasicFileAttributes.class);
            return Optional.of(new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Stream<ObjectInfo> list(String prefix) throws IOException {
        ObjectKeys.checkPrefix(prefix);
        // Walk from the deepest directory the prefix names, then filter by the full prefix.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        List<ObjectInfo> objects = new ArrayList<>();
        for (Path path : walk(start)) {
            if (path.getFileName().toString().startsWith(TEMP_PREFIX)) {
                continue;
            }
            String key = root.relativize(path).toString();
            if (!key.startsWith(prefix)) {
                continue;
            }
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                objects.add(new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant()));
            } catch (NoSuchFileException e) {
                // deleted while listing
            }
        }
        return objects.stream();
    }

    @Override
    public int removeAbandonedUploads(String prefix, java.time.Instant startedBefore) throws IOException {
        ObjectKeys.checkPrefix(prefix);
        Path start = prefix.isEmpty() ? root : root.resolve(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        int removed = 0;
        for (Path path : walk(start)) {
            if (!path.getFileName().toString().startsWith(TEMP_PREFIX)) {
                continue;
            }
            try {
                if (Files.getLastModifiedTime(path).toInstant().isBefore(startedBefore) && Files.deleteIfExists(path)) {
                    removed++;
                }
            } catch (NoSuchFileException e) {
                // its writer finished or removed it meanwhile
            }
        }
        return removed;
    }

    /**
     * Every regular file below {@code start}, tolerating files and directories that vanish while
     * walking (writers rename their temporary files away all the time).
     */
    private static List<Path> walk(Path start) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(start)) {
            return files;
        }
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return files;
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(resolve(key));
    }

    @Override
    public TargetProperties properties() {
        return new TargetProperties("file://" + root, 4);
    }

    @Override
    public void close() {}
}
