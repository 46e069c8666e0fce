package io.hearth.service.backup;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** How far running backups and restores have come, in bytes, for the progress bars of clients. */
public final class BackupProgress {
    public record Snapshot(String operation, long bytesDone, long bytesTotal) {}

    private final Map<String, Snapshot> running = new ConcurrentHashMap<>();

    public void update(String backupId, String operation, long done, long total) {
        running.put(backupId, new Snapshot(operation, done, total));
    }

    public void finish(String backupId) {
        running.remove(backupId);
    }

    public Optional<Snapshot> of(String backupId) {
        return Optional.ofNullable(running.get(backupId));
    }
}
