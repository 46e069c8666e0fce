package io.hearth.service.backup;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What the backup service tells about its work as it happens: the metrics count it, the notifier publishes cinder's
 * notifications for it. Called on the working thread; listeners must be quick and must not throw.
 */
public interface BackupEvents {
    BackupEvents NONE = new BackupEvents() {};

    enum Operation {
        CREATE, RESTORE, DELETE;

        /** The name in metric labels and in cinder's event types ({@code backup.create.start}). */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    enum Outcome {
        SUCCESS, ERROR, CANCELLED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What a finished operation moved.
     *
     * @param bytesRead bytes read: from the volume by a backup, from the repository by a restore
     * @param bytesUploaded bytes written to the backup target (packs, index objects, manifest)
     * @param bytesStored new data the repository keeps because of this backup (before compression)
     */
    record Result(Outcome outcome, Duration duration, long bytesRead, long bytesUploaded, long bytesStored, String failReason) {
        public static Result of(Outcome outcome, Duration duration, String failReason) {
            return new Result(outcome, duration, 0, 0, 0, failReason);
        }
    }

    default void started(Operation operation, String backupId) {}

    /** Called often (per block range); a listener that reports it further bounds how often. */
    default void progress(Operation operation, String backupId, long bytesDone, long bytesTotal) {}

    default void finished(Operation operation, String backupId, Result result) {}

    /** Every listener in turn. */
    static BackupEvents all(List<BackupEvents> listeners) {
        List<BackupEvents> copy = List.copyOf(listeners);
        return new BackupEvents() {
            @Override
            public void started(Operation operation, String backupId) {
                copy.forEach(l -> l.started(operation, backupId));
            }

            @Override
            public void progress(Operation operation, String backupId, long bytesDone, long bytesTotal) {
                copy.forEach(l -> l.progress(operation, backupId, bytesDone, bytesTotal));
            }

            @Override
            public void finished(Operation operation, String backupId, Result result) {
                copy.forEach(l -> l.finished(operation, backupId, result));
            }
        };
    }
}
