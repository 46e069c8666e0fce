package io.hearth.engine.gc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.HearthException;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.block.BlobFormat;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.block.Compression;
import io.hearth.engine.blocklist.BlockListReader;
import io.hearth.engine.index.RepositoryIndex;
import io.hearth.engine.lock.LockManager;
import io.hearth.engine.lock.RepositoryLock;
import io.hearth.engine.pack.BlobReader;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackId;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Mark and sweep at pack granularity, safe beside running backups.
 *
 * <p>A pack is garbage when no block of any committed backup (nor any block-list page) lies in it.
 * Deletion takes two steps so that a backup in flight never loses what it relies on:
 * <ol>
 *   <li>gc publishes the garbage packs older than the grace period in a pending-deletion list;
 *   <li>the packs of a list are deleted only when no backup that started before the list was
 *       published is still running, after marking again from every manifest committed since.
 * </ol>
 * Backups take their lock before reading the pending lists, and ignore the packs named there, so a
 * backup that starts after publication never deduplicates against them. Both steps run in one gc
 * when no backup is running. See the locking table in {@code package-info.java}.
 */
public final class GarbageCollector {
    /** Lock times and target times may come from different clocks. */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);
    static final int COMPACTED_ENTRIES_PER_OBJECT = 262144;
    /** Writing a lock object takes milliseconds; a temporary file this old is no lock being taken. */
    static final Duration MIN_ABANDONED_AGE = Duration.ofSeconds(30);
    static final int MAX_RUNS_BEFORE_COMPACTION = 8;

    private final BackupTarget target;
    private final LockManager locks;
    private final BlobFormat format;
    private final PendingDeletions pending;
    private final Path cacheDirectory;
    private final Clock clock;

    public GarbageCollector(BackupTarget target, BlobFormat format, ObjectMapper json, LockManager locks, PendingDeletions pending, Path cacheDirectory, Clock clock) {
        this.target = target;
        this.format = format;
        this.locks = locks;
        this.pending = pending;
        this.cacheDirectory = cacheDirectory;
        this.clock = clock;
    }

    public GcReport run(Duration grace, Supplier<List<BackupManifest>> manifests) throws IOException {
        try (LockManager.Held lock = locks.lockForMaintenance();
                BlobReader reader = new BlobReader(target, format)) {
            locks.removeStale();
            // A lock object is written before it is live, so temporary lock files get a minimum age; every
            // other object is written by a writer whose lock is already live.
            target.removeAbandonedUploads(LockManager.PREFIX, clock.instant().minus(MIN_ABANDONED_AGE));
            Instant abandoned = abandonedBefore(grace);
            for (String prefix : List.of("packs/", "index/", "backups/", PendingDeletion.PREFIX)) {
                target.removeAbandonedUploads(prefix, abandoned);
            }
            List<PendingDeletions.Published> lists = pending.read();
            List<PendingDeletions.Published> finalizable = new ArrayList<>();
            for (PendingDeletions.Published list : lists) {
                if (noWriterOlderThan(list.publishedAt())) {
                    finalizable.add(list);
                }
            }

            Set<String> marked = new HashSet<>();
            Set<PackId> live = new HashSet<>();
            // Manifests first, then the index: a listed manifest's index objects were published before it.
            List<BackupManifest> committed = manifests.get();
            RepositoryIndex index = loadIndex();
            try {
                mark(committed, marked, live, index, reader);
            } catch (HearthException | IOException e) {
                index.close();
                throw e;
            }
            try {
                return sweep(grace, manifests, lists, finalizable, marked, live, index, reader);
            } finally {
                index.close();
            }
        }
    }

    private RepositoryIndex loadIndex() throws IOException {
        RepositoryIndex index = RepositoryIndex.load(target, cacheDirectory, Set.of());
        if (!index.damaged().isEmpty()) {
            index.close();
            throw HearthException.corrupt("gc refuses to run on a damaged index (" + index.damaged().getFirst()
                    + "): run 'hearth repo rebuild-index' first");
        }
        return index;
    }

    private GcReport sweep(Duration grace, Supplier<List<BackupManifest>> manifests, List<PendingDeletions.Published> lists,
            List<PendingDeletions.Published> finalizable, Set<String> marked, Set<PackId> live, RepositoryIndex index, BlobReader reader)
            throws IOException {
        Map<PackId, ObjectInfo> packs = listPacks();
        Set<PackId> stillPending = new HashSet<>();
        lists.stream().filter(list -> !finalizable.contains(list))
                .forEach(list -> list.list().packs().forEach(hex -> stillPending.add(PackId.fromHex(hex))));
        Set<PackId> finalizing = new HashSet<>();
        finalizable.forEach(list -> list.list().packs().forEach(hex -> finalizing.add(PackId.fromHex(hex))));

        Instant horizon = clock.instant().minus(grace);
        List<String> fresh = new ArrayList<>();
        for (Map.Entry<PackId, ObjectInfo> pack : packs.entrySet()) {
            PackId id = pack.getKey();
            if (!live.contains(id) && !stillPending.contains(id) && !finalizing.contains(id)
                    && pack.getValue().lastModified().isBefore(horizon)) {
                fresh.add(id.hex());
            }
        }
        if (!fresh.isEmpty()) {
            PendingDeletions.Published published = pending.publish(new PendingDeletion(clock.instant(), fresh));
            if (noWriterOlderThan(published.publishedAt())) {
                finalizable.add(published);
                fresh.forEach(hex -> finalizing.add(PackId.fromHex(hex)));
            } else {
                fresh.forEach(hex -> stillPending.add(PackId.fromHex(hex)));
            }
        }

        long deleted = 0;
        long bytes = 0;
        if (!finalizing.isEmpty()) {
            // Backups may have committed since the first mark; what they reference stays. A fresh index
            // (loaded after listing) knows their blocks.
            List<BackupManifest> recent = manifests.get();
            try (RepositoryIndex current = loadIndex()) {
                mark(recent, marked, live, current, reader);
            }
            Set<PackId> dropped = new HashSet<>(finalizing);
            dropped.removeAll(live);
            // The index forgets the dropped packs before they go: a gc killed in between leaves packs that no index
            // entry names (the next gc deletes them), never an entry that names a deleted pack.
            long compacted = index.compact(index.runs(), dropped, COMPACTED_ENTRIES_PER_OBJECT);
            for (PackId id : dropped) {
                ObjectInfo info = packs.get(id);
                if (info != null) {
                    target.delete(id.key());
                    deleted++;
                    bytes += info.size();
                }
            }
            for (PendingDeletions.Published list : finalizable) {
                pending.remove(list.key());
            }
            long kept = packs.size() - deleted;
            return new GcReport(deleted, bytes, stillPending.size(), kept, compacted);
        }
        long compacted = 0;
        if (index.runs().size() > MAX_RUNS_BEFORE_COMPACTION) {
            compacted = index.compact(index.runs(), Set.of(), COMPACTED_ENTRIES_PER_OBJECT);
        }
        return new GcReport(0, 0, stillPending.size(), packs.size(), compacted);
    }

    /** Half-written objects older than every running backup (and the grace period) belong to writers that died. */
    private Instant abandonedBefore(Duration grace) throws IOException {
        Instant threshold = clock.instant().minus(grace);
        for (RepositoryLock lock : locks.liveLocks()) {
            if (lock.kind() == RepositoryLock.LockKind.BACKUP) {
                Instant started = lock.createdAt().minus(CLOCK_MARGIN);
                if (started.isBefore(threshold)) {
                    threshold = started;
                }
            }
        }
        return threshold;
    }

    private boolean noWriterOlderThan(Instant publishedAt) throws IOException {
        Instant threshold = publishedAt.plus(CLOCK_MARGIN);
        for (RepositoryLock lock : locks.liveLocks()) {
            if (lock.kind() == RepositoryLock.LockKind.BACKUP && !lock.createdAt().isAfter(threshold)) {
                return false;
            }
        }
        return true;
    }

    private Map<PackId, ObjectInfo> listPacks() throws IOException {
        Map<PackId, ObjectInfo> packs = new HashMap<>();
        try (Stream<ObjectInfo> listing = target.list("packs/")) {
            listing.forEach(info -> {
                PackId id = PackId.fromKey(info.key());
                if (id != null) {
                    packs.put(id, info);
                }
            });
        }
        return packs;
    }

    /** Marks the packs holding every block and page of the manifests not marked yet. */
    private void mark(List<BackupManifest> manifests, Set<String> marked, Set<PackId> live, RepositoryIndex index, BlobReader reader)
            throws IOException {
        for (BackupManifest manifest : manifests) {
            if (!marked.add(manifest.id() + "/" + manifest.blockListRoot())) {
                continue;
            }
            BlockListReader list = new BlockListReader(manifest.blockList(), pageId -> {
                PackEntry entry = locate(index, pageId, manifest, "block list page");
                live.add(entry.pack());
                return reader.read(entry);
            });
            BlockId previous = null;
            while (list.hasNext()) {
                BlockId id = list.next();
                if (id.isZero() || id.equals(previous)) {
                    continue;
                }
                previous = id;
                live.add(locate(index, id, manifest, "block").pack());
            }
        }
    }

    private static PackEntry locate(RepositoryIndex index, BlockId id, BackupManifest manifest, String what) {
        return index.find(id).orElseThrow(() -> HearthException.corrupt("gc stopped: backup " + manifest.id() + " references " + what + " " + id
                + " that the index does not know; run 'hearth repo rebuild-index' and 'hearth repo verify' before gc"));
    }

}
