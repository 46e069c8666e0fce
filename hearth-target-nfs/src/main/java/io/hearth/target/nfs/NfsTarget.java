package io.hearth.target.nfs;

import static java.util.Objects.requireNonNull;

import com.emc.ecs.nfsclient.nfs.NfsCommitRequest;
import com.emc.ecs.nfsclient.nfs.NfsCreateMode;
import com.emc.ecs.nfsclient.nfs.NfsException;
import com.emc.ecs.nfsclient.nfs.NfsGetAttributes;
import com.emc.ecs.nfsclient.nfs.NfsReadResponse;
import com.emc.ecs.nfsclient.nfs.NfsSetAttributes;
import com.emc.ecs.nfsclient.nfs.NfsStatus;
import com.emc.ecs.nfsclient.nfs.NfsType;
import com.emc.ecs.nfsclient.nfs.io.Nfs3File;
import com.emc.ecs.nfsclient.nfs.nfs3.Nfs3;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import io.hearth.engine.target.ObjectKeys;
import io.hearth.engine.target.ObjectNotFoundException;
import io.hearth.engine.target.TargetProperties;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A repository in a directory of an NFS export, reached through a user-space NFSv3 client: nothing is mounted.
 *
 * <p>Writes follow {@link io.hearth.engine.target.PosixTarget}'s: the data goes to a temporary name in the final
 * directory (UNSTABLE writes, then one COMMIT, so it is on the server's disk), then a LINK gives it its final name.
 * LINK fails with NFS3ERR_EXIST when the name exists, in one step on the server, so among any number of writers
 * (any host) exactly one creates the object, and a reader sees the whole object or none. NFSv3 has no exclusive
 * rename (RENAME replaces), which is why it is LINK. If a LINK's reply is lost and the retry answers EXIST, the
 * retry layer compares the stored bytes with its own and recognises its write.
 */
final class NfsTarget implements BackupTarget {
    static final String TEMP_PREFIX = ".tmp-";
    private static final int STABLE_UNSTABLE = 0;
    private static final int CHUNK = 512 * 1024;

    private final Nfs3 nfs;
    private final String root;
    private final TargetProperties properties;

    /**
     * @param nfs the client of the export
     * @param directory the repository's directory inside the export, without leading slash (may be empty)
     */
    NfsTarget(Nfs3 nfs, String directory, TargetProperties properties) throws IOException {
        this.nfs = requireNonNull(nfs, "nfs is null");
        this.root = directory.isEmpty() ? "" : "/" + directory;
        this.properties = requireNonNull(properties, "properties is null");
        if (!root.isEmpty()) {
            NfsErrors.call("create " + root, () -> {
                ensureDirectory(file(root));
                return null;
            });
        }
    }

    /** mkdir -p that tolerates directories made meanwhile by other writers. */
    private static void ensureDirectory(Nfs3File directory) throws IOException {
        if (directory.isRootFile()) {
            return;
        }
        try {
            directory.mkdir(new NfsSetAttributes());
        } catch (IOException e) {
            if (e instanceof NfsException nfsError && nfsError.getStatus() == NfsStatus.NFS3ERR_EXIST) {
                return;
            }
            if (!missing(e)) {
                throw e;
            }
            ensureDirectory(directory.getParentFile());
            ensureDirectory(directory);
        }
    }

    private Nfs3File file(String path) throws IOException {
        return new Nfs3File(nfs, path.isEmpty() ? "/" : path);
    }

    private String path(String key) {
        return root + "/" + ObjectKeys.check(key);
    }

    private static boolean missing(IOException e) {
        return e instanceof FileNotFoundException
                || (e instanceof NfsException nfsError && (nfsError.getStatus() == NfsStatus.NFS3ERR_NOENT
                        || nfsError.getStatus() == NfsStatus.NFS3ERR_STALE));
    }

    private Optional<NfsGetAttributes> attributes(String path) throws IOException {
        try {
            return Optional.of(NfsErrors.call("stat " + path, () -> file(path).getAttributes()));
        } catch (IOException e) {
            if (missing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public boolean putIfAbsent(String key, ByteBuffer data) throws IOException {
        String path = path(key);
        if (attributes(path).isPresent()) {
            return false;
        }
        Nfs3File target = file(path);
        Nfs3File directory = target.getParentFile();
        Nfs3File temp = directory.getChildFile(TEMP_PREFIX + UUID.randomUUID());
        try {
            NfsErrors.call("write " + key, () -> {
                try {
                    temp.create(NfsCreateMode.GUARDED, new NfsSetAttributes(), null);
                } catch (IOException e) {
                    if (!missing(e)) {
                        throw e;
                    }
                    // The first object of its directory: make the directory, then try again.
                    ensureDirectory(directory);
                    temp.create(NfsCreateMode.GUARDED, new NfsSetAttributes(), null);
                }
                // The library reads a buffer's backing array from index 0 (and changes the list): hand it its own.
                ByteBuffer view = data.duplicate();
                byte[] chunk = new byte[Math.min(CHUNK, view.remaining())];
                long offset = 0;
                while (view.hasRemaining()) {
                    int length = Math.min(chunk.length, view.remaining());
                    view.get(chunk, 0, length);
                    temp.write(offset, new ArrayList<>(List.of(ByteBuffer.wrap(chunk, 0, length))), STABLE_UNSTABLE);
                    offset += length;
                }
                NfsCommitRequest commit = nfs.makeCommitRequest(temp.getFileHandle(), 0, 0);
                nfs.wrapped_sendCommit(commit);
                return null;
            });
            try {
                NfsErrors.call("link " + key, () -> target.link(temp));
                return true;
            } catch (NfsException e) {
                if (e.getStatus() == NfsStatus.NFS3ERR_EXIST) {
                    return false;
                }
                throw e;
            }
        } finally {
            try {
                temp.remove();
            } catch (IOException e) {
                // left for removeAbandonedUploads
            }
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        String path = path(key);
        long size = attributes(path).orElseThrow(() -> new ObjectNotFoundException(key)).getSize();
        Nfs3File file = file(path);
        return new InputStream() {
            private long position;
            private final byte[] single = new byte[1];

            @Override
            public int read() throws IOException {
                return read(single, 0, 1) < 0 ? -1 : single[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                if (position >= size) {
                    return -1;
                }
                int read = readAt(file, key, position, buffer, offset, (int) Math.min(Math.min(length, CHUNK), size - position));
                if (read <= 0) {
                    return -1;
                }
                position += read;
                return read;
            }
        };
    }

    /** One READ; 0 or less at the end of the file. */
    private int readAt(Nfs3File file, String key, long position, byte[] buffer, int offset, int length) throws IOException {
        try {
            NfsReadResponse response = NfsErrors.call("read " + key, () -> file.read(position, length, buffer, offset));
            return response.getBytesRead();
        } catch (IOException e) {
            if (missing(e)) {
                throw new ObjectNotFoundException(key);
            }
            throw e;
        }
    }

    @Override
    public void readInto(String key, long offset, ByteBuffer destination) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        String path = path(key);
        long size = attributes(path).orElseThrow(() -> new ObjectNotFoundException(key)).getSize();
        if (offset + destination.remaining() > size) {
            throw new EOFException("object " + key + " ends at byte " + size + ", before " + (offset + destination.remaining()));
        }
        Nfs3File file = file(path);
        byte[] chunk = new byte[Math.min(CHUNK, Math.max(1, destination.remaining()))];
        long position = offset;
        while (destination.hasRemaining()) {
            int read = readAt(file, key, position, chunk, 0, Math.min(chunk.length, destination.remaining()));
            if (read <= 0) {
                throw new EOFException("object " + key + " ends before byte " + (position + destination.remaining()));
            }
            destination.put(chunk, 0, read);
            position += read;
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        return attributes(path(key)).map(attributes -> new ObjectInfo(key, attributes.getSize(),
                Instant.ofEpochMilli(attributes.getMtime().getTimeInMillis())));
    }

    @Override
    public Stream<ObjectInfo> list(String prefix) throws IOException {
        ObjectKeys.checkPrefix(prefix);
        // Walk from the deepest directory the prefix names, then filter by the whole prefix.
        int slash = prefix.lastIndexOf('/');
        String start = slash < 0 ? "" : prefix.substring(0, slash);
        List<ObjectInfo> objects = new ArrayList<>();
        walk(start, (key, attributes) -> {
            if (key.startsWith(prefix) && !key.substring(key.lastIndexOf('/') + 1).startsWith(TEMP_PREFIX)) {
                objects.add(new ObjectInfo(key, attributes.getSize(), Instant.ofEpochMilli(attributes.getMtime().getTimeInMillis())));
            }
        });
        return objects.stream();
    }

    private interface Visitor {
        void visit(String key, NfsGetAttributes attributes) throws IOException;
    }

    /** Visits every regular file below the directory {@code relative} (a key prefix without trailing slash), temporary ones too. */
    private void walk(String relative, Visitor visitor) throws IOException {
        String directory = relative.isEmpty() ? root : root + "/" + relative;
        List<Nfs3File> children;
        try {
            children = NfsErrors.call("list " + (directory.isEmpty() ? "/" : directory), () -> file(directory).listFiles());
        } catch (IOException e) {
            if (missing(e) || (e instanceof NfsException nfsError && nfsError.getStatus() == NfsStatus.NFS3ERR_NOTDIR)) {
                return;
            }
            throw e;
        }
        for (Nfs3File child : children) {
            String name = child.getName();
            String key = relative.isEmpty() ? name : relative + "/" + name;
            Optional<NfsGetAttributes> attributes = attributes(directory + "/" + name);
            if (attributes.isEmpty()) {
                continue; // removed while listing
            }
            if (attributes.get().getType() == NfsType.NFS_DIR) {
                walk(key, visitor);
            } else if (attributes.get().getType() == NfsType.NFS_REG) {
                visitor.visit(key, attributes.get());
            }
        }
    }

    @Override
    public int removeAbandonedUploads(String prefix, Instant startedBefore) throws IOException {
        ObjectKeys.checkPrefix(prefix);
        String start = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        int[] removed = {0};
        walk(start, (key, attributes) -> {
            String name = key.substring(key.lastIndexOf('/') + 1);
            if (name.startsWith(TEMP_PREFIX) && attributes.getMtime().getTimeInMillis() < startedBefore.toEpochMilli()) {
                try {
                    file(root + "/" + key).remove();
                    removed[0]++;
                } catch (IOException e) {
                    if (!missing(e)) {
                        throw e;
                    }
                }
            }
        });
        return removed[0];
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            NfsErrors.call("delete " + key, () -> file(path(key)).remove());
        } catch (IOException e) {
            if (!missing(e)) {
                throw e;
            }
        }
    }

    @Override
    public TargetProperties properties() {
        return properties;
    }

    @Override
    public void close() {
        // The library keeps one connection per server for the whole process; nothing is held per target.
    }
}
