package io.hearth.target.swift;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import io.hearth.engine.target.ObjectKeys;
import io.hearth.engine.target.ObjectNotFoundException;
import io.hearth.engine.target.TargetProperties;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A repository in a Swift container, under an optional prefix: key {@code k} is object {@code prefix/k}.
 *
 * <p>Create-only writes: a PUT with {@code If-None-Match: *}, which Swift's object server refuses when the object
 * exists. Swift checks that when a PUT starts, not when it lands, so two PUTs of one name that overlap can both
 * succeed (the later timestamp wins). Hence each PUT carries a writer id and is read back (X-Newest): a writer whose
 * id is not the one stored lost. Writers in this process are serialised per key, so among them there is exactly one
 * winner; across processes two overlapping writers can still both see their own id when the later one lands after
 * the earlier one read back. The engine only contends for keys it names at random (locks, manifests by backup id)
 * or by content (packs, whose copies are equal), so that window costs nothing but a duplicate upload.
 */
final class SwiftTarget implements BackupTarget {
    static final String WRITER_HEADER = "X-Object-Meta-Hearth-Writer";
    private static final int PAGE = 10_000;

    private final SwiftClient client;
    private final String container;
    private final String prefix;
    private final TargetProperties properties;
    private final ReentrantLock[] keyLocks = new ReentrantLock[64];

    SwiftTarget(SwiftClient client, String container, String prefix, TargetProperties properties) {
        this.client = requireNonNull(client, "client is null");
        this.container = requireNonNull(container, "container is null");
        this.prefix = prefix.isEmpty() ? "" : prefix + "/";
        this.properties = requireNonNull(properties, "properties is null");
        for (int i = 0; i < keyLocks.length; i++) {
            keyLocks[i] = new ReentrantLock();
        }
    }

    private String object(String key) {
        return prefix + ObjectKeys.check(key);
    }

    @Override
    public boolean putIfAbsent(String key, ByteBuffer data) throws IOException {
        String object = object(key);
        ReentrantLock lock = keyLocks[Math.floorMod(key.hashCode(), keyLocks.length)];
        lock.lock();
        try {
            String writer = UUID.randomUUID().toString();
            if (!client.putIfNoneMatch(container, object, data, Map.of(WRITER_HEADER, writer))) {
                return false;
            }
            return client.head(container, object, true).flatMap(head -> head.header(WRITER_HEADER)).map(writer::equals)
                    .orElse(false);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        HttpResponse<InputStream> response = client.get(container, object(key), null)
                .orElseThrow(() -> new ObjectNotFoundException(key));
        return response.body();
    }

    @Override
    public void readInto(String key, long offset, ByteBuffer destination) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        int length = destination.remaining();
        if (length == 0) {
            // A zero-length range cannot be asked for in HTTP: check the object and the offset instead.
            long size = stat(key).orElseThrow(() -> new ObjectNotFoundException(key)).size();
            if (offset > size) {
                throw new EOFException("object " + key + " ends at byte " + size + ", before " + offset);
            }
            return;
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        HttpResponse<InputStream> response = client.get(container, object(key), range)
                .orElseThrow(() -> new ObjectNotFoundException(key));
        try (InputStream in = response.body()) {
            if (response.statusCode() == 416) {
                throw new EOFException("object " + key + " ends before byte " + offset);
            }
            if (response.statusCode() == 200) {
                // The server sent the whole object (it ignored the range): skip to the offset.
                in.skipNBytes(offset);
            }
            byte[] chunk = new byte[(int) Math.min(length, 64 * 1024)];
            while (destination.hasRemaining()) {
                int read = in.read(chunk, 0, Math.min(chunk.length, destination.remaining()));
                if (read < 0) {
                    throw new EOFException("object " + key + " ends before byte " + (offset + length));
                }
                destination.put(chunk, 0, read);
            }
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        return client.head(container, object(key), false).map(head -> new ObjectInfo(key, head.size(), head.lastModified()));
    }

    @Override
    public Stream<ObjectInfo> list(String keyPrefix) throws IOException {
        ObjectKeys.checkPrefix(keyPrefix);
        String full = prefix + keyPrefix;
        // The first page is fetched now, so that a missing container or a refused token fails here, not in the stream.
        List<SwiftClient.Listed> first = client.list(container, full, null, PAGE);
        Iterator<ObjectInfo> objects = new Iterator<>() {
            private List<SwiftClient.Listed> page = first;
            private int next;

            @Override
            public boolean hasNext() {
                if (next < page.size()) {
                    return true;
                }
                if (page.size() < PAGE) {
                    return false;
                }
                try {
                    page = client.list(container, full, page.getLast().name(), PAGE);
                } catch (IOException e) {
                    throw new UncheckedIOException(e.getMessage(), e);
                }
                next = 0;
                return !page.isEmpty();
            }

            @Override
            public ObjectInfo next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                SwiftClient.Listed entry = page.get(next++);
                return new ObjectInfo(entry.name().substring(prefix.length()), entry.size(), entry.lastModified());
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(objects, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    @Override
    public void delete(String key) throws IOException {
        client.delete(container, object(key));
    }

    @Override
    public TargetProperties properties() {
        return properties;
    }

    @Override
    public void close() {
        client.close();
    }
}
