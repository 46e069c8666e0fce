package io.hearth.engine.gc;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * {@code gc/pending-<id>.json}: packs a gc found unreferenced, to be deleted once every backup
 * that was running when the list was published (the object's modification time on the target)
 * has ended. Backups that start later never reference these packs: they take their lock first,
 * then read every pending list and ignore the packs named there.
 *
 * @param packs pack ids (hex)
 */
public record PendingDeletion(
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("packs") List<String> packs) {

    public static final String PREFIX = "gc/";

    public PendingDeletion {
        packs = List.copyOf(packs);
    }
}
