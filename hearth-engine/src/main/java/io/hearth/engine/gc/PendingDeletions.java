package io.hearth.engine.gc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.pack.PackId;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import io.hearth.engine.target.ObjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/** Reads and writes the pending-deletion lists under {@code gc/}. */
public final class PendingDeletions {
    private final BackupTarget target;
    private final ObjectMapper json;

    public PendingDeletions(BackupTarget target, ObjectMapper json) {
        this.target = target;
        this.json = json;
    }

    /** A pending list with the time the target says it was published. */
    public record Published(String key, java.time.Instant publishedAt, PendingDeletion list) {}

    /** Every pending list. */
    public List<Published> read() throws IOException {
        List<ObjectInfo> objects;
        try (Stream<ObjectInfo> listing = target.list(PendingDeletion.PREFIX)) {
            objects = listing.filter(info -> info.key().endsWith(".json")).sorted(java.util.Comparator.comparing(ObjectInfo::key)).toList();
        }
        List<Published> lists = new java.util.ArrayList<>();
        for (ObjectInfo object : objects) {
            try (InputStream in = target.get(object.key())) {
                lists.add(new Published(object.key(), object.lastModified(), json.readValue(in, PendingDeletion.class)));
            } catch (ObjectNotFoundException e) {
                // finalized by another gc while we listed
            }
        }
        return lists;
    }

    /** The packs a new backup must not deduplicate against. */
    public Set<PackId> excludedPacks() throws IOException {
        Set<PackId> packs = new HashSet<>();
        for (Published pending : read()) {
            pending.list().packs().forEach(hex -> packs.add(PackId.fromHex(hex)));
        }
        return packs;
    }

    public Published publish(PendingDeletion pending) throws IOException {
        String key = PendingDeletion.PREFIX + "pending-" + UUID.randomUUID().toString().replace("-", "") + ".json";
        target.putIfAbsent(key, ByteBuffer.wrap(json.writeValueAsBytes(pending)));
        java.time.Instant publishedAt = target.stat(key).map(ObjectInfo::lastModified).orElseThrow(
                () -> new IOException("pending-deletion list " + key + " vanished right after it was written"));
        return new Published(key, publishedAt, pending);
    }

    public void remove(String key) throws IOException {
        target.delete(key);
    }
}
