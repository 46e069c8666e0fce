package io.hearth.engine.index;

import io.hearth.engine.HearthException;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackHeaders;
import io.hearth.engine.pack.PackId;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Rebuilds the index from the pack headers: the index is a cache of what the packs say about
 * themselves. Damaged packs are skipped (verify names the backups that lose blocks with them).
 * Memory stays bounded: one index object is written per {@value #PACKS_PER_OBJECT} packs.
 */
public final class IndexRebuilder {
    static final int PACKS_PER_OBJECT = 64;

    private final BackupTarget target;

    public IndexRebuilder(BackupTarget target) {
        this.target = target;
    }

    /** Returns the number of entries indexed. The caller holds the maintenance lock. */
    public long rebuild() throws IOException {
        // Index objects first, then packs: an index object listed here only names packs written before it.
        List<String> oldObjects = RepositoryIndex.listNames(target);
        List<PackId> packs;
        try (Stream<ObjectInfo> listing = target.list("packs/")) {
            packs = listing.map(info -> PackId.fromKey(info.key())).filter(id -> id != null).toList();
        }
        long entries = 0;
        List<PackEntry> batch = new ArrayList<>();
        int packsInBatch = 0;
        for (PackId pack : packs) {
            try {
                batch.addAll(PackHeaders.read(target, pack));
            } catch (HearthException e) {
                continue; // a damaged pack indexes nothing; verify reports what it held
            }
            if (++packsInBatch == PACKS_PER_OBJECT) {
                entries += write(batch);
                batch.clear();
                packsInBatch = 0;
            }
        }
        entries += write(batch);
        for (String name : oldObjects) {
            target.delete(RepositoryIndex.PREFIX + name);
        }
        return entries;
    }

    private long write(List<PackEntry> batch) throws IOException {
        if (batch.isEmpty()) {
            return 0;
        }
        batch.sort(Comparator.comparing(PackEntry::id));
        // One entry per id, as compaction leaves it: a lookup among duplicates in one object would pick any of them.
        List<PackEntry> entries = new ArrayList<>(batch.size());
        for (PackEntry entry : batch) {
            if (entries.isEmpty() || !entries.getLast().id().equals(entry.id())) {
                entries.add(entry);
            }
        }
        ByteBuffer object = IndexFormat.write(entries);
        target.putIfAbsent(RepositoryIndex.PREFIX + UUID.randomUUID().toString().replace("-", ""), object);
        return entries.size();
    }
}
