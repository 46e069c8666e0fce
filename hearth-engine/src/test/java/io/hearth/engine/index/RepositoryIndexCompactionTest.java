package io.hearth.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.block.BlockId;
import io.hearth.engine.block.Compression;
import io.hearth.engine.pack.BlobType;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackId;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gc marks the pack that {@link RepositoryIndex#find} names for each block, and compacts the index afterwards: a
 * compaction must not change what {@code find} names, or a reader would go to a copy gc did not keep.
 */
class RepositoryIndexCompactionTest {
    @TempDir
    Path dir;

    @Test
    void compactionKeepsWhatFindNamedForEveryIdAndDropsSpareCopiesAndDroppedPacks() throws IOException {
        Random random = new Random(11);
        List<BlockId> ids = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            ids.add(new BlockId(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()));
        }
        try (PosixTarget target = new PosixTarget(dir.resolve("repo"))) {
            // Six runs (one per backup) that each hold a random part of the ids, in packs of their own: many ids are
            // stored two or more times, as when backups running at once, or after a killed one, store a block again.
            Map<String, List<PackEntry>> published = new HashMap<>();
            try (RepositoryIndex writer = RepositoryIndex.load(target, dir.resolve("cache-writer"), Set.of())) {
                for (int run = 0; run < 6; run++) {
                    List<PackEntry> entries = new ArrayList<>();
                    for (BlockId id : ids) {
                        if (random.nextInt(3) == 0) {
                            entries.add(entry(id, new PackId(run, random.nextInt(4)), entries.size()));
                        }
                    }
                    entries.sort(Comparator.comparing(PackEntry::id));
                    published.put(writer.publish(entries), entries);
                }
            }
            Set<PackId> dropped = Set.of(new PackId(0, 1), new PackId(3, 0), new PackId(5, 2));

            try (RepositoryIndex index = RepositoryIndex.load(target, dir.resolve("cache"), Set.of())) {
                Map<BlockId, PackEntry> found = new HashMap<>();
                for (BlockId id : ids) {
                    Optional<PackEntry> entry = index.find(id);
                    // what gc marks: it never drops the pack find names for a block a backup needs
                    if (entry.isPresent() && !dropped.contains(entry.get().pack())) {
                        found.put(id, entry.get());
                    }
                }
                Map<BlockId, PackEntry> expected = firstNotDropped(published, dropped);
                assertThat(expected).containsAllEntriesOf(found);

                assertThat(index.compact(index.runs(), dropped, 100)).isEqualTo(6);
                assertFindsExactly(index, ids, expected);
            }
            try (RepositoryIndex reloaded = RepositoryIndex.load(target, dir.resolve("cache"), Set.of())) {
                Map<BlockId, PackEntry> expected = firstNotDropped(published, dropped);
                assertFindsExactly(reloaded, ids, expected);
                int entries = reloaded.runs().stream().mapToInt(IndexRun::count).sum();
                assertThat(entries).as("one entry per id: the spare copies left the index").isEqualTo(expected.size());
                assertThat(reloaded.runs()).hasSize((expected.size() + 99) / 100);
            }
        }
    }

    /** For every id, the entry of the first run in search order (by name) that holds it in a pack not dropped. */
    private static Map<BlockId, PackEntry> firstNotDropped(Map<String, List<PackEntry>> runs, Set<PackId> dropped) {
        Map<BlockId, PackEntry> first = new HashMap<>();
        runs.keySet().stream().sorted().forEach(name -> {
            for (PackEntry entry : runs.get(name)) {
                if (!dropped.contains(entry.pack())) {
                    first.putIfAbsent(entry.id(), entry);
                }
            }
        });
        return first;
    }

    private static void assertFindsExactly(RepositoryIndex index, List<BlockId> ids, Map<BlockId, PackEntry> expected) {
        Set<BlockId> absent = new HashSet<>(ids);
        absent.removeAll(expected.keySet());
        for (BlockId id : expected.keySet()) {
            assertThat(index.find(id)).as("entry of %s", id).contains(expected.get(id));
        }
        for (BlockId id : absent) {
            assertThat(index.find(id)).as("entry of %s, held only in dropped packs", id).isEmpty();
        }
    }

    private static PackEntry entry(BlockId id, PackId pack, int n) {
        return new PackEntry(id, pack, n * 100L, 50 + n % 7, 4096, BlobType.DATA, Compression.NONE);
    }
}
