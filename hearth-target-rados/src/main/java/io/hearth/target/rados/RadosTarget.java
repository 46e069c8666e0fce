package io.hearth.target.rados;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.util.Objects.requireNonNull;

import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import io.hearth.engine.target.ObjectKeys;
import io.hearth.engine.target.ObjectNotFoundException;
import io.hearth.engine.target.TargetProperties;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A repository as RADOS objects: one object per key, named by the key, in the namespace the URL's prefix names
 * ({@code rados://pool/prefix}), so that a listing sees only this repository's objects.
 *
 * <p>A create is one RADOS write operation, an exclusive create plus a full write, which the OSD applies atomically:
 * readers see the whole object or none, and of concurrent creators exactly one gets {@code true}. An object is written
 * in one operation, so objects above the cluster's limit ({@link RadosConnection#maxObjectSize()}) are refused rather
 * than striped; the engine's packs (16 MiB by default) are far below the 90 MiB default.
 */
final class RadosTarget implements BackupTarget {
    // Reads into heap buffers go through native memory this size at a time; direct buffers are read into directly.
    private static final int CHUNK = 4 * 1024 * 1024;

    private final RadosConnection connection;
    private final Librados rados;
    private final TargetProperties properties;

    RadosTarget(RadosConnection connection, TargetProperties properties) {
        this.connection = requireNonNull(connection, "connection is null");
        this.rados = connection.rados();
        this.properties = requireNonNull(properties, "properties is null");
    }

    @Override
    public boolean putIfAbsent(String key, ByteBuffer data) throws IOException {
        ObjectKeys.check(key);
        int length = data.remaining();
        if (length > connection.maxObjectSize()) {
            throw new IOException("object " + key + " has " + length + " bytes, more than this Ceph cluster stores in one "
                    + "object (" + connection.maxObjectSize() + " bytes: osd_max_object_size, osd_max_write_size); "
                    + "use a smaller pack size for this repository");
        }
        return connection.run((io, arena) -> {
            MemorySegment bytes = MemorySegment.ofBuffer(data.duplicate());
            if (!bytes.isNative()) {
                bytes = arena.allocate(length).copyFrom(bytes);
            }
            MemorySegment op = rados.createWriteOp();
            try {
                rados.writeOpCreate(op, Librados.CREATE_EXCLUSIVE, MemorySegment.NULL);
                rados.writeOpWriteFull(op, bytes, length);
                int rc = rados.writeOpOperate(op, io, arena.allocateFrom(key), MemorySegment.NULL, 0);
                if (rc == -RadosConnection.EEXIST) {
                    return false;
                }
                if (rc < 0) {
                    throw connection.failure("create of " + key, rc);
                }
                return true;
            } finally {
                rados.releaseWriteOp(op);
            }
        });
    }

    @Override
    public InputStream get(String key) throws IOException {
        long size = stat(key).orElseThrow(() -> new ObjectNotFoundException(key)).size();
        return new ObjectStream(key, size);
    }

    @Override
    public void readInto(String key, long offset, ByteBuffer destination) throws IOException {
        ObjectKeys.check(key);
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        if (!destination.hasRemaining()) {
            // Nothing to read, but the object must exist and reach the offset.
            long size = stat(key).orElseThrow(() -> new ObjectNotFoundException(key)).size();
            if (offset > size) {
                throw new EOFException("object " + key + " ends at byte " + size + ", before " + offset);
            }
            return;
        }
        connection.run((io, arena) -> {
            MemorySegment oid = arena.allocateFrom(key);
            MemorySegment direct = destination.isDirect() ? MemorySegment.ofBuffer(destination) : null;
            MemorySegment chunk = direct == null ? arena.allocate(Math.min(CHUNK, destination.remaining())) : null;
            long position = offset;
            while (destination.hasRemaining()) {
                int want = Math.min(CHUNK, destination.remaining());
                MemorySegment into = direct != null ? direct.asSlice(position - offset, want) : chunk;
                int read = rados.read(io, oid, into, want, position);
                if (read == -RadosConnection.ENOENT) {
                    throw new ObjectNotFoundException(key);
                }
                if (read < 0) {
                    throw connection.failure("read of " + key, read);
                }
                if (read == 0) {
                    throw new EOFException("object " + key + " ends before byte " + (position + destination.remaining()));
                }
                if (direct == null) {
                    destination.put(chunk.asSlice(0, read).asByteBuffer());
                } else {
                    destination.position(destination.position() + read);
                }
                position += read;
            }
            return null;
        });
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        ObjectKeys.check(key);
        return connection.run((io, arena) -> stat(io, arena, key));
    }

    private Optional<ObjectInfo> stat(MemorySegment io, Arena arena, String key) throws IOException {
        MemorySegment size = arena.allocate(JAVA_LONG);
        MemorySegment mtime = arena.allocate(JAVA_LONG);
        int rc = rados.stat(io, arena.allocateFrom(key), size, mtime);
        if (rc == -RadosConnection.ENOENT) {
            return Optional.empty();
        }
        if (rc < 0) {
            throw connection.failure("stat of " + key, rc);
        }
        return Optional.of(new ObjectInfo(key, size.get(JAVA_LONG, 0), Instant.ofEpochSecond(mtime.get(JAVA_LONG, 0))));
    }

    /**
     * Lists the namespace and keeps the names under {@code prefix}; RADOS's listing gives names only, so each is then
     * looked up for its size (one request per object).
     */
    @Override
    public Stream<ObjectInfo> list(String prefix) throws IOException {
        ObjectKeys.checkPrefix(prefix);
        return connection.run((io, arena) -> {
            List<String> names = new ArrayList<>();
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = rados.listOpen(io, out);
            if (rc < 0) {
                throw connection.failure("listing of " + prefix, rc);
            }
            MemorySegment context = out.get(ADDRESS, 0);
            try {
                while ((rc = rados.listNext(context, out, MemorySegment.NULL, MemorySegment.NULL)) == 0) {
                    String name = out.get(ADDRESS, 0).reinterpret(Integer.MAX_VALUE).getString(0);
                    if (name.startsWith(prefix)) {
                        names.add(name);
                    }
                }
                if (rc != -RadosConnection.ENOENT) {
                    throw connection.failure("listing of " + prefix, rc);
                }
            } finally {
                rados.listClose(context);
            }
            List<ObjectInfo> objects = new ArrayList<>(names.size());
            for (String name : names) {
                // An object deleted since it was listed is left out.
                stat(io, arena, name).ifPresent(objects::add);
            }
            return objects.stream();
        });
    }

    @Override
    public void delete(String key) throws IOException {
        ObjectKeys.check(key);
        connection.run((io, arena) -> {
            int rc = rados.remove(io, arena.allocateFrom(key));
            if (rc < 0 && rc != -RadosConnection.ENOENT) {
                throw connection.failure("delete of " + key, rc);
            }
            return null;
        });
    }

    @Override
    public TargetProperties properties() {
        return properties;
    }

    @Override
    public void close() {
        connection.close();
    }

    /** The whole object, read a chunk at a time so that memory stays bounded whatever its size. */
    private final class ObjectStream extends InputStream {
        private final String key;
        private final long size;
        private final ByteBuffer buffer;
        private long position;

        ObjectStream(String key, long size) {
            this.key = key;
            this.size = size;
            this.buffer = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(1, size))).limit(0);
        }

        private boolean fill() throws IOException {
            if (buffer.hasRemaining()) {
                return true;
            }
            if (position >= size) {
                return false;
            }
            buffer.clear().limit((int) Math.min(buffer.capacity(), size - position));
            readInto(key, position, buffer);
            position += buffer.flip().remaining();
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? buffer.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
            if (length == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int count = Math.min(length, buffer.remaining());
            buffer.get(bytes, offset, count);
            return count;
        }
    }
}
