package io.hearth.service.nbd;

import io.hearth.engine.backup.ByteRange;
import io.hearth.nbd.DirtyMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume service's changed-block maps, one per volume in {@code volume-<id>.dirty} beside the volume file,
 * loaded on first use. Backups capture a map and commit or abort it; everything that may change a volume
 * behind the maps' back invalidates it.
 */
public final class ChangeTracker {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeTracker.class);

    private final Function<String, Path> volumePath;
    private final long granularity;
    private final Map<String, DirtyMap> maps = new ConcurrentHashMap<>();
    /** The backups that captured a map and have not finished, by backup id. */
    private final Map<String, Running> backups = new ConcurrentHashMap<>();

    private record Running(String volumeId, DirtyMap.Capture capture) {}

    public ChangeTracker(Function<String, Path> volumePath, long granularity) {
        this.volumePath = volumePath;
        this.granularity = granularity;
    }

    private Path mapFile(String volumeId) {
        Path volume = volumePath.apply(volumeId);
        return volume.resolveSibling(volume.getFileName() + ".dirty");
    }

    public DirtyMap map(String volumeId) {
        return maps.computeIfAbsent(volumeId, id -> {
            try {
                DirtyMap map = DirtyMap.load(mapFile(id), volumePath.apply(id), granularity);
                map.invalidReason().ifPresent(reason -> LOG.info("changed-block map of volume {} is invalid: {}", id, reason));
                return map;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the changed-block map of volume " + id, e);
            }
        });
    }

    /** The next incremental backup of the volume reads everything. */
    public void invalidate(String volumeId, String reason) {
        try {
            map(volumeId).invalidate(reason);
            LOG.info("changed-block map of volume {} invalidated: {}", volumeId, reason);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot invalidate the changed-block map of volume " + volumeId, e);
        }
    }

    /**
     * A backup of the volume starts: what changed since {@code parentId}, if the map is valid and relative to
     * exactly that backup; empty means read everything.
     */
    public Optional<List<ByteRange>> beginBackup(String backupId, String volumeId, String parentId) {
        try {
            DirtyMap.Capture capture = map(volumeId).capture();
            backups.put(backupId, new Running(volumeId, capture));
            if (parentId == null || capture.base().filter(parentId::equals).isEmpty()) {
                return Optional.empty();
            }
            return capture.ranges();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot capture the changed-block map of volume " + volumeId, e);
        }
    }

    /** The backup committed (the map's new base) or failed (its changes count again). */
    public void finishBackup(String backupId, boolean committed) {
        Running running = backups.remove(backupId);
        if (running == null) {
            return;
        }
        try {
            if (committed) {
                map(running.volumeId()).commit(running.capture(), backupId);
            } else {
                map(running.volumeId()).abort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the changed-block map of volume " + running.volumeId(), e);
        }
    }

    /** The volume is gone: so is its map. */
    public void forget(String volumeId) {
        maps.remove(volumeId);
        try {
            Files.deleteIfExists(mapFile(volumeId));
        } catch (IOException e) {
            LOG.warn("cannot delete the changed-block map of deleted volume {}", volumeId, e);
        }
    }
}
