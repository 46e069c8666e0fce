package io.hearth.engine.target;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a repository's objects live: a directory, a bucket, a container.
 *
 * <p>Deliberately small and blob-shaped (after Trino's {@code TrinoFileSystem} and restic's
 * {@code Backend}): blocks, packs, hashing, compression and naming live once, in the engine.
 * Keys are relative, use {@code /} as separator, and consist of {@code [A-Za-z0-9._-]} segments;
 * implementations must reject anything else (no {@code ..}, no absolute keys).
 *
 * <p>Every method is safe to call from many threads at once. Retries, concurrency limits and
 * metrics are decorators stacked once at wiring time, so an implementation does not retry on
 * its own beyond what its SDK does.
 */
public interface BackupTarget extends Closeable {

    /**
     * Stores {@code data} (from its position to its limit) under {@code key} unless an object
     * already exists there. The write is atomic: a reader sees the whole object or none.
     * The buffer's position is left unchanged.
     *
     * @return true if this call created the object, false if one already existed (nothing written)
     */
    boolean putIfAbsent(String key, ByteBuffer data) throws IOException;

    /**
     * Opens the whole object as a stream; the caller closes it.
     *
     * @throws ObjectNotFoundException if there is no object under {@code key}
     */
    InputStream get(String key) throws IOException;

    /**
     * Reads exactly {@code destination.remaining()} bytes starting at {@code offset} into the caller's buffer (for
     * instance a pooled direct one), advancing its position. The one read primitive every target implements.
     *
     * @throws ObjectNotFoundException if there is no object under {@code key}
     * @throws java.io.EOFException if the object ends before {@code offset + destination.remaining()}
     */
    void readInto(String key, long offset, ByteBuffer destination) throws IOException;

    /**
     * Reads exactly {@code length} bytes starting at {@code offset} into a new heap buffer.
     *
     * @return a buffer positioned at 0 with {@code length} bytes remaining
     * @throws ObjectNotFoundException if there is no object under {@code key}
     * @throws java.io.EOFException if the object ends before {@code offset + length}
     */
    default ByteBuffer getRange(String key, long offset, int length) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        readInto(key, offset, buffer);
        return buffer.flip();
    }

    /** Size and modification time of the object, or empty if there is none. */
    Optional<ObjectInfo> stat(String key) throws IOException;

    /**
     * Lists every object whose key starts with {@code prefix}, in no particular order.
     * The caller closes the stream. Objects created or deleted while listing may or may not appear.
     */
    Stream<ObjectInfo> list(String prefix) throws IOException;

    /** Deletes the object; a no-op if there is none. */
    void delete(String key) throws IOException;

    /**
     * Removes what writers that died left half-written (temporary files, unfinished multipart
     * uploads) under {@code prefix} and started before {@code startedBefore}; finished objects are
     * never touched. Targets whose writes leave nothing behind do nothing.
     *
     * @return how many leftovers were removed
     */
    default int removeAbandonedUploads(String prefix, java.time.Instant startedBefore) throws IOException {
        return 0;
    }

    /** What this target is and what it can do. */
    TargetProperties properties();
}
