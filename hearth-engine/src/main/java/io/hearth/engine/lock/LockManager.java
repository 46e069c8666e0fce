package io.hearth.engine.lock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.lock.RepositoryLock.LockKind;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Takes, refreshes and inspects lock objects under {@code locks/}.
 *
 * <p>A lock is live while its newest generation is younger than the stale timeout and, when it was
 * taken on this host, its process is still running (so a SIGKILLed process stops blocking at once).
 */
public final class LockManager {
    public static final String PREFIX = "locks/";
    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private final BackupTarget target;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration refreshInterval;
    private final Duration staleAfter;
    private final String host;

    public LockManager(BackupTarget target, ObjectMapper json, Clock clock, Duration refreshInterval, Duration staleAfter) {
        this.target = target;
        this.json = json;
        this.clock = clock;
        this.refreshInterval = refreshInterval;
        this.staleAfter = staleAfter;
        this.host = hostName();
    }

    /**
     * The name the lock gives its holder's host. On Linux the kernel's own name, read as it is: asking {@code InetAddress}
     * resolves that name first, which waits on a slow or broken DNS and gives up where the name does not resolve.
     */
    private static String hostName() {
        try {
            String kernel = Files.readString(KERNEL_HOSTNAME).strip();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException e) {
            // not Linux: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A held lock; closing it removes it. It refreshes itself on a virtual thread while held. */
    public final class Held implements AutoCloseable {
        private final RepositoryLock lock;
        private final Thread refresher;
        private volatile long generation;
        private volatile boolean closed;

        private Held(RepositoryLock lock) throws IOException {
            this.lock = lock;
            write(0);
            this.refresher = Thread.ofVirtual().name("lock-refresh-" + lock.id()).start(this::refreshLoop);
        }

        public String id() {
            return lock.id();
        }

        private void write(long next) throws IOException {
            target.putIfAbsent(key(lock.id(), next), ByteBuffer.wrap(json.writeValueAsBytes(lock)));
            generation = next;
        }

        private void refreshLoop() {
            while (!closed) {
                try {
                    Thread.sleep(refreshInterval);
                } catch (InterruptedException e) {
                    return;
                }
                if (closed) {
                    return;
                }
                try {
                    long previous = generation;
                    write(previous + 1);
                    target.delete(key(lock.id(), previous));
                } catch (IOException e) {
                    // The next round tries again; a lock that cannot be refreshed goes stale, which only delays gc.
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            refresher.interrupt();
            try {
                refresher.join();
                target.delete(key(lock.id(), generation));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                throw new UncheckedIOException("releasing lock " + lock.id(), e);
            }
        }
    }

    private static String key(String id, long generation) {
        return PREFIX + id + "-" + generation;
    }

    /** Takes a backup lock (shared: any number may be held). */
    public Held lockForBackup() throws IOException {
        return new Held(newLock(LockKind.BACKUP));
    }

    /**
     * Takes the maintenance lock, failing with CONFLICT if another gc or rebuild is running.
     * Two takers racing both write, then both look: the one whose lock id sorts higher backs off.
     */
    public Held lockForMaintenance() throws IOException {
        Held held = new Held(newLock(LockKind.MAINTENANCE));
        for (RepositoryLock other : liveLocks()) {
            if (other.kind() == LockKind.MAINTENANCE && !other.id().equals(held.id()) && other.id().compareTo(held.id()) < 0) {
                held.close();
                throw new HearthException(ErrorCategory.CONFLICT, "another gc or index rebuild is running on this repository (lock "
                        + other.id() + " held by " + other.host() + " pid " + other.pid() + " since " + other.createdAt() + "); try again when it ends");
            }
        }
        return held;
    }

    private RepositoryLock newLock(LockKind kind) {
        String id = clock.instant().toEpochMilli() + "." + UUID.randomUUID().toString().replace("-", "");
        return new RepositoryLock(id, kind, host, ProcessHandle.current().pid(), clock.instant());
    }

    /** Every lock that is live now. */
    public List<RepositoryLock> liveLocks() throws IOException {
        return survey().live();
    }

    private record Survey(List<RepositoryLock> live, List<String> staleKeys) {}

    /** One listing, classified: a lock taken after the listing is in neither list, so it is never removed by mistake. */
    private Survey survey() throws IOException {
        Map<String, List<ObjectInfo>> byId = new HashMap<>();
        try (Stream<ObjectInfo> listing = target.list(PREFIX)) {
            listing.forEach(info -> {
                String name = info.key().substring(PREFIX.length());
                int dash = name.lastIndexOf('-');
                if (dash > 0) {
                    byId.computeIfAbsent(name.substring(0, dash), id -> new java.util.ArrayList<>()).add(info);
                }
            });
        }
        Instant horizon = clock.instant().minus(staleAfter);
        List<RepositoryLock> live = new java.util.ArrayList<>();
        List<String> staleKeys = new java.util.ArrayList<>();
        for (List<ObjectInfo> generations : byId.values()) {
            ObjectInfo newest = generations.stream().max(java.util.Comparator.comparing(ObjectInfo::lastModified)).orElseThrow();
            Optional<RepositoryLock> lock = read(newest);
            if (lock.isEmpty()) {
                continue; // released or refreshed while we listed
            }
            if (newest.lastModified().isAfter(horizon) && processAlive(lock.get())) {
                live.add(lock.get());
            } else {
                generations.forEach(info -> staleKeys.add(info.key()));
            }
        }
        return new Survey(live, staleKeys);
    }

    private Optional<RepositoryLock> read(ObjectInfo info) {
        try (InputStream in = target.get(info.key())) {
            return Optional.of(json.readValue(in, RepositoryLock.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private boolean processAlive(RepositoryLock lock) {
        if (!host.equals(lock.host())) {
            return true;
        }
        return ProcessHandle.of(lock.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Deletes lock objects that are no longer live (left by crashed processes). */
    public void removeStale() throws IOException {
        for (String key : survey().staleKeys()) {
            target.delete(key);
        }
    }
}
