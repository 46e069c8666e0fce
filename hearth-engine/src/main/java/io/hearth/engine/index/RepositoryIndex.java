package io.hearth.engine.index;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.block.BlockId;
import io.hearth.engine.blocklist.BlockListReader;
import io.hearth.engine.pack.BlobReader;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackId;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The repository's index (block id to pack, offset and length), as the set of index objects on the
 * target mirrored into a local cache directory and searched there.
 *
 * <p>The cache is disposable: a missing or stale file is fetched again from the target. Lookups
 * never return an entry in an excluded pack (packs that garbage collection has marked for deletion).
 */
public final class RepositoryIndex implements AutoCloseable {
    public static final String PREFIX = "index/";

    private final BackupTarget target;
    private final Path cacheDirectory;
    private final List<IndexRun> runs = new CopyOnWriteArrayList<>();
    private final IndexGroupCache groups = new IndexGroupCache(IndexGroupCache.DEFAULT_GROUPS);
    private final Set<PackId> excludedPacks;
    private final List<String> damaged = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong bytesPublished = new java.util.concurrent.atomic.AtomicLong();

    /** Bytes of index objects this instance wrote with {@link #publish}. */
    public long bytesPublished() {
        return bytesPublished.get();
    }

    private RepositoryIndex(BackupTarget target, Path cacheDirectory, Set<PackId> excludedPacks) {
        this.target = target;
        this.cacheDirectory = cacheDirectory;
        this.excludedPacks = Set.copyOf(excludedPacks);
    }

    /**
     * Loads every index object of the target, fetching into {@code cacheDirectory} those not cached yet.
     *
     * @param excludedPacks packs whose entries must not be returned (they are about to be deleted)
     */
    public static RepositoryIndex load(BackupTarget target, Path cacheDirectory, Set<PackId> excludedPacks) throws IOException {
        requireNonNull(target, "target is null");
        Files.createDirectories(cacheDirectory);
        RepositoryIndex index = new RepositoryIndex(target, cacheDirectory, excludedPacks);
        try {
            List<String> names = listNames(target);
            Set<String> wanted = new HashSet<>(names);
            // Drop cached copies of objects gc has removed; never touch another process's temporary files.
            try (Stream<Path> cached = Files.list(cacheDirectory)) {
                for (Path file : cached.toList()) {
                    String name = file.getFileName().toString();
                    if (!name.startsWith(".") && !wanted.contains(name)) {
                        Files.deleteIfExists(file);
                    }
                }
            }
            for (String name : names) {
                try {
                    index.runs.add(IndexRun.open(name, index.cachedCopy(name), index.groups));
                } catch (io.hearth.engine.HearthException e) {
                    // A damaged index object must not hide the others; callers decide what it means.
                    index.damaged.add(e.getMessage());
                } catch (io.hearth.engine.target.ObjectNotFoundException e) {
                    // deleted by a gc compaction while we listed: its entries are in the object that replaced it
                }
            }
            return index;
        } catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /**
     * Loads the index for verification: every index object is read from the target and checked, so
     * damage on the target is reported even where a sound local copy is cached.
     */
    public static RepositoryIndex loadChecked(BackupTarget target, Path cacheDirectory) throws IOException {
        RepositoryIndex index = load(target, cacheDirectory, Set.of());
        for (String name : listNames(target)) {
            try (InputStream in = target.get(PREFIX + name)) {
                IndexFormat.check(ByteBuffer.wrap(in.readAllBytes()), PREFIX + name);
            } catch (io.hearth.engine.HearthException e) {
                if (!index.damaged.contains(e.getMessage())) {
                    index.damaged.add(e.getMessage());
                }
            } catch (io.hearth.engine.target.ObjectNotFoundException e) {
                // removed by a gc compaction meanwhile
            }
        }
        return index;
    }

    /** Names (without the prefix) of the index objects on the target. */
    public static List<String> listNames(BackupTarget target) throws IOException {
        try (Stream<ObjectInfo> listing = target.list(PREFIX)) {
            return listing.map(info -> info.key().substring(PREFIX.length())).filter(name -> !name.contains("/")).sorted().toList();
        }
    }

    private Path cachedCopy(String name) throws IOException {
        Path file = cacheDirectory.resolve(name);
        if (Files.exists(file)) {
            return file;
        }
        Path temp = cacheDirectory.resolve(".fetch-" + UUID.randomUUID());
        try (InputStream in = target.get(PREFIX + name)) {
            Files.copy(in, temp);
            ByteBuffer whole = ByteBuffer.wrap(Files.readAllBytes(temp));
            IndexFormat.check(whole, PREFIX + name);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Writes sorted entries as a new index object on the target (create-only) and adds it to this index.
     *
     * @return the new object's name
     */
    public String publish(List<PackEntry> sortedEntries) throws IOException {
        ByteBuffer object = IndexFormat.write(sortedEntries);
        bytesPublished.addAndGet(object.remaining());
        String name = UUID.randomUUID().toString().replace("-", "");
        target.putIfAbsent(PREFIX + name, object);
        Path file = cacheDirectory.resolve(name);
        Path temp = cacheDirectory.resolve(".write-" + name);
        try (var channel = java.nio.channels.FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer view = object.duplicate();
            while (view.hasRemaining()) {
                channel.write(view);
            }
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        runs.add(IndexRun.open(name, file, groups));
        return name;
    }

    /**
     * Loads the block-list pages of one backup through this index, verified, naming the backup when a
     * page is missing, its pack is gone or truncated, or its data is damaged. Pages announced ahead are fetched on
     * virtual threads meanwhile.
     */
    public BlockListReader.PageLoader pages(BlobReader reader, String backupId) {
        return new BlockListPages(this, reader, backupId);
    }

    public Optional<PackEntry> find(BlockId id) {
        for (IndexRun run : runs) {
            Optional<PackEntry> entry = run.find(id);
            if (entry.isPresent() && !excludedPacks.contains(entry.get().pack())) {
                return entry;
            }
        }
        return Optional.empty();
    }

    /** The loaded index objects, for maintenance (gc, verify). */
    public List<IndexRun> runs() {
        return new ArrayList<>(runs);
    }

    /** Messages naming index objects that could not be read (their entries are missing from this index). */
    public List<String> damaged() {
        return List.copyOf(damaged);
    }

    /**
     * Merges the given runs into new index objects of at most {@code perObject} entries (each covers a disjoint id
     * range), then deletes the merged objects.
     *
     * <p>Of an id stored more than once, only the entry {@link #find} returns is kept: the first in the order the runs
     * are given (their search order, as {@link #runs} gives them) that is not in {@code droppedPacks}. A merge thus
     * never changes what a lookup finds, so what gc marked through {@code find} is what every reader finds
     * afterwards, however the new objects' names sort; the spare copies leave the index, and the packs only they
     * kept become garbage.
     *
     * @return the number of index objects merged
     */
    public int compact(List<IndexRun> merged, Set<PackId> droppedPacks, int perObject) throws IOException {
        record Head(IndexRun.Cursor cursor, int rank, PackEntry entry) {}
        java.util.PriorityQueue<Head> heap = new java.util.PriorityQueue<>(
                java.util.Comparator.comparing((Head head) -> head.entry().id()).thenComparingInt(Head::rank));
        for (int rank = 0; rank < merged.size(); rank++) {
            IndexRun.Cursor cursor = merged.get(rank).cursor();
            if (cursor.hasNext()) {
                heap.add(new Head(cursor, rank, cursor.next()));
            }
        }
        IndexObjectBuilder builder = new IndexObjectBuilder(perObject);
        BlockId kept = null;
        while (!heap.isEmpty()) {
            Head head = heap.poll();
            if (head.cursor().hasNext()) {
                heap.add(new Head(head.cursor(), head.rank(), head.cursor().next()));
            }
            PackEntry entry = head.entry();
            if (droppedPacks.contains(entry.pack()) || entry.id().equals(kept)) {
                continue;
            }
            kept = entry.id();
            builder.add(entry);
            if (builder.isFull()) {
                publishBuilt(builder.finish());
                builder = new IndexObjectBuilder(perObject);
            }
        }
        if (!builder.isEmpty()) {
            publishBuilt(builder.finish());
        }
        for (IndexRun run : merged) {
            target.delete(PREFIX + run.name());
            runs.remove(run);
            run.close();
            Files.deleteIfExists(cacheDirectory.resolve(run.name()));
        }
        return merged.size();
    }

    private void publishBuilt(ByteBuffer object) throws IOException {
        String name = UUID.randomUUID().toString().replace("-", "");
        target.putIfAbsent(PREFIX + name, object);
        runs.add(IndexRun.open(name, cachedCopy(name), groups));
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (IndexRun run : runs) {
            try {
                run.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        runs.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
