package io.hearth.target.rados;

import static java.lang.foreign.ValueLayout.ADDRESS;

import io.hearth.engine.HearthException;
import io.hearth.engine.target.TransientTargetException;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A connected librados cluster handle and an I/O context on one pool and namespace, shared by every thread of a target
 * (librados's calls on one I/O context are thread-safe). Closing waits for the calls in flight: a call on a handle
 * already shut down would touch freed native memory.
 */
final class RadosConnection implements Closeable {
    static final int ENOENT = 2;
    static final int EEXIST = 17;
    private static final int ETIMEDOUT = 110;
    // Worth another try: busy or throttled OSDs, a timeout, a connection lost and being re-established.
    private static final Set<Integer> TRANSIENT = Set.of(4, 11, 16, 107, 108, 111, ETIMEDOUT);

    /** What runs with the I/O context, with an arena for its temporary native memory. */
    @FunctionalInterface
    interface Call<T> {
        T run(MemorySegment io, Arena arena) throws IOException;
    }

    private final Librados rados;
    private final MemorySegment cluster;
    private final MemorySegment io;
    private final long maxObjectSize;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private RadosConnection(Librados rados, MemorySegment cluster, MemorySegment io, long maxObjectSize) {
        this.rados = rados;
        this.cluster = cluster;
        this.io = io;
        this.maxObjectSize = maxObjectSize;
    }

    /** Connects to the cluster {@code settings.conf()} describes and opens the pool, or fails naming the option to fix. */
    static RadosConnection open(Librados rados, RadosSettings settings) throws IOException {
        String conf = settings.conf().toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = rados.create2(out, arena.allocateFrom("ceph"), arena.allocateFrom("client." + settings.user()), 0);
            if (rc < 0) {
                throw new IOException("cannot make a librados handle for client." + settings.user() + ": " + rados.strerror(-rc));
            }
            MemorySegment cluster = out.get(ADDRESS, 0);
            MemorySegment io = MemorySegment.NULL;
            try {
                rc = rados.confReadFile(cluster, arena.allocateFrom(conf));
                if (rc < 0) {
                    throw HearthException.badInput("cannot read the Ceph configuration " + conf + " (option backup_ceph_conf): "
                            + rados.strerror(-rc));
                }
                set(rados, arena, cluster, "client_mount_timeout", settings.connectTimeout());
                set(rados, arena, cluster, "rados_mon_op_timeout", settings.connectTimeout());
                set(rados, arena, cluster, "rados_osd_op_timeout", settings.opTimeout());
                rc = rados.connect(cluster);
                if (rc == -ETIMEDOUT) {
                    throw new IOException("no Ceph monitor named in " + conf + " answered within "
                            + settings.connectTimeout().toSeconds() + " s (check 'mon host' there, or rados_connect_timeout)");
                }
                if (rc < 0) {
                    throw new IOException("cannot connect to the Ceph cluster of " + conf + " as client." + settings.user()
                            + " (backup_ceph_conf, backup_ceph_user): " + rados.strerror(-rc));
                }
                long maxObjectSize = Math.min(number(rados, arena, cluster, "osd_max_object_size"),
                        number(rados, arena, cluster, "osd_max_write_size") * 1024 * 1024);
                rc = rados.ioctxCreate(cluster, arena.allocateFrom(settings.pool()), out);
                if (rc == -ENOENT) {
                    throw HearthException.badInput("the Ceph cluster of " + conf + " has no pool '" + settings.pool()
                            + "': create it (ceph osd pool create " + settings.pool() + ") or name another in the URL "
                            + "rados://POOL/prefix or in backup_ceph_pool");
                }
                if (rc < 0) {
                    throw new IOException("cannot open Ceph pool '" + settings.pool() + "': " + rados.strerror(-rc));
                }
                io = out.get(ADDRESS, 0);
                rados.setNamespace(io, arena.allocateFrom(settings.namespace()));
                return new RadosConnection(rados, cluster, io, maxObjectSize);
            } catch (IOException | RuntimeException e) {
                if (!io.equals(MemorySegment.NULL)) {
                    rados.ioctxDestroy(io);
                }
                rados.shutdown(cluster);
                throw e;
            }
        }
    }

    private static void set(Librados rados, Arena arena, MemorySegment cluster, String option, Duration value) throws IOException {
        int rc = rados.confSet(cluster, arena.allocateFrom(option), arena.allocateFrom(Long.toString(value.toSeconds())));
        if (rc < 0) {
            throw new IOException("librados refused " + option + " = " + value.toSeconds() + ": " + rados.strerror(-rc));
        }
    }

    private static long number(Librados rados, Arena arena, MemorySegment cluster, String option) throws IOException {
        MemorySegment buffer = arena.allocate(64);
        int rc = rados.confGet(cluster, arena.allocateFrom(option), buffer, buffer.byteSize());
        if (rc < 0) {
            throw new IOException("librados has no option " + option + ": " + rados.strerror(-rc));
        }
        return Long.parseLong(buffer.getString(0).strip());
    }

    /** The largest object this cluster stores: its {@code osd_max_object_size}, or {@code osd_max_write_size} if less. */
    long maxObjectSize() {
        return maxObjectSize;
    }

    Librados rados() {
        return rados;
    }

    /** Runs {@code call} unless the connection is closed; close waits until it returns. */
    <T> T run(Call<T> call) throws IOException {
        lock.readLock().lock();
        try (Arena arena = Arena.ofConfined()) {
            if (closed) {
                throw new IOException("the rados target is closed");
            }
            return call.run(io, arena);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The exception for a negative return code: transient ones are retried by the target's retry layer. */
    IOException failure(String what, int rc) {
        int errno = -rc;
        String message = what + ": " + rados.strerror(errno) + " (errno " + errno + ")";
        return TRANSIENT.contains(errno) ? new TransientTargetException(message) : new IOException(message);
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                rados.ioctxDestroy(io);
                rados.shutdown(cluster);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
