package io.hearth.service.backup;

import io.hearth.engine.restore.RestoreSink;
import io.hearth.engine.source.BlockSource;
import io.hearth.service.backup.BackupEvents.Operation;
import io.hearth.service.backup.BackupEvents.Outcome;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.db.Transactions;
import io.hearth.service.message.MessageAction;
import io.hearth.service.message.MessageDetail;
import io.hearth.service.message.MessageResourceType;
import io.hearth.service.message.UserMessages;
import io.hearth.service.quota.QuotaService;
import io.hearth.service.quota.Resource;
import io.hearth.service.rpc.Accepted;
import io.hearth.service.rpc.Bus;
import io.hearth.service.rpc.Topics;
import io.hearth.service.snapshot.SnapshotDao;
import io.hearth.service.snapshot.SnapshotStatus;
import io.hearth.service.volume.Volume;
import io.hearth.service.volume.VolumeDao;
import io.hearth.service.volume.VolumeDevice;
import io.hearth.service.volume.VolumeMessage;
import io.hearth.service.volume.VolumeStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup service: runs backups, restores, deletes, exports and imports, and leaves every record and volume
 * in a final status whatever happens. Data operations wait their turn under {@code backup_max_operations}.
 */
public final class BackupManager {
    private static final Logger LOG = LoggerFactory.getLogger(BackupManager.class);
    private static final Duration VOLUME_CALL_TIMEOUT = Duration.ofHours(1);
    /** Ending an export is quick; a volume host that is down has closed it anyway, so recovery does not wait long. */
    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(30);
    public static final String RESTART_REASON = "incomplete backup reset on manager restart";

    private final BackupDao backups;
    private final VolumeDao volumes;
    private final SnapshotDao snapshots;
    private final QuotaService quotas;
    private final BackupEngine engine;
    private final Bus bus;
    private final HearthConfig config;
    private final BackupProgress progress;
    private final Transactions transactions;
    private final BackupEvents events;
    private final UserMessages messages;
    private final Semaphore operations;
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> restoringVolumes = ConcurrentHashMap.newKeySet();

    /**
     * The volume service queue of the host a volume is on (the scheduler's volumeTopic): that host alone has the
     * volume's changed-block map and takes its snapshots.
     */
    private final UnaryOperator<String> volumeTopicOfHost;
    private final VolumeDevices devices;

    public BackupManager(BackupDao backups, VolumeDao volumes, SnapshotDao snapshots, QuotaService quotas, BackupEngine engine,
            Bus bus, HearthConfig config, BackupProgress progress, Transactions transactions, BackupEvents events, UserMessages messages,
            UnaryOperator<String> volumeTopicOfHost) {
        this.volumeTopicOfHost = volumeTopicOfHost;
        this.messages = messages;
        this.transactions = transactions;
        this.events = events;
        this.backups = backups;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.quotas = quotas;
        this.engine = engine;
        this.bus = bus;
        this.config = config;
        this.progress = progress;
        this.devices = new VolumeDevices(config.nbd().tlsCaFile());
        int limit = config.backupMaxOperations();
        this.operations = new Semaphore(limit == 0 ? Integer.MAX_VALUE : limit, true);
    }

    /**
     * A create or a restore is {@link Accepted} once this host has recorded that it took the work (the row's
     * work_started_at), so the broker forgets the message long before the work ends; the rest is done afterwards.
     */
    public Object handle(Record message) {
        switch ((BackupMessage) message) {
            case BackupMessage.CreateBackup m -> {
                return acceptCreate(m.backupId(), m.requestId());
            }
            case BackupMessage.RestoreBackup m -> {
                return acceptRestore(m.backupId(), m.volumeId(), m.volumeIsNew(), m.requestId());
            }
            case BackupMessage.DeleteBackup m -> deleteBackup(m.backupId(), m.requestId());
            case BackupMessage.ExportRecord m -> {
                return engine.exportManifest(m.backupId()).orElseThrow(() -> io.hearth.service.error.ServiceException.invalidBackup(
                        "Backup " + m.backupId() + " is not in the backup repository."));
            }
            case BackupMessage.ImportRecord m -> importRecord(m.backupId(), m.manifestJson(), m.snapshotId());
            case BackupMessage.ScheduleBackup m -> throw new IllegalArgumentException("scheduling is the scheduler's job");
        }
        return null;
    }

    private Accepted acceptCreate(String backupId, String requestId) {
        Backup backup = backups.find(backupId).orElse(null);
        // A message delivered again (its first acknowledgement lost) must not start the backup twice, here or elsewhere.
        if (backup == null || backup.status() != BackupStatus.CREATING || !isMine(backup)
                || !backups.startWork(backupId, BackupStatus.CREATING, config.host())) {
            return null;
        }
        // Before the acknowledgement: a force delete from now on finds the backup running and stops it.
        running.add(backupId);
        return new Accepted(() -> createBackup(backup, requestId));
    }

    private void createBackup(Backup backup, String requestId) throws InterruptedException {
        String backupId = backup.id();
        String temporarySnapshot = null;
        VolumeMessage.BackupDevice device = null;
        BackupEngine.Result result = null;
        Exception failure = null;
        boolean cancelledByDelete = false;
        long started = System.nanoTime();
        events.started(Operation.CREATE, backupId);
        try {
            operations.acquire();
        } catch (InterruptedException e) {
            running.remove(backupId);
            events.finished(Operation.CREATE, backupId, BackupEvents.Result.of(Outcome.ERROR, since(started), "interrupted"));
            throw e;
        }
        try {
            device = bus.call(volumeTopic(backup.volumeId()), new VolumeMessage.GetBackupDevice(backupId, config.host()),
                    VolumeMessage.BackupDevice.class, VOLUME_CALL_TIMEOUT);
            temporarySnapshot = device.temporarySnapshotId();
            try (BlockSource source = devices.source(device.device(), "volume " + backup.volumeId())) {
                result = engine.backup(new BackupEngine.Job(backupId, source, backup.parentId(),
                        backup.volumeId(), backup.snapshotId(), backup.projectId(), backup.name(), backup.description(), backup.metadata(),
                        backup.dataTimestamp(), device.changedRanges()), (done, total) -> {
                            if (cancelled.contains(backupId)) {
                                throw new BackupCancelledException();
                            }
                            progress.update(backupId, "backup", done, total);
                            events.progress(Operation.CREATE, backupId, done, total);
                        });
            }
        } catch (BackupCancelledException e) {
            cancelledByDelete = true;
        } catch (Exception e) {
            LOG.error("backup {} failed", backupId, e);
            failure = e;
        } finally {
            progress.finish(backupId);
            operations.release();
            // As in cinder, the volume has its status back before the backup shows the outcome: a client that waits
            // for the backup can use the volume at once.
            finishChanges(backupId, result != null);
            releaseSource(backup, temporarySnapshot);
        }
        BackupEvents.Result outcome = null;
        try {
            if (cancelledByDelete) {
                LOG.info("backup {} cancelled by force delete", backupId);
                outcome = BackupEvents.Result.of(Outcome.CANCELLED, since(started), null);
                engine.delete(backupId);
                finishDelete(backupId);
            } else if (result != null) {
                String container = backup.container() != null ? backup.container() : engine.container();
                boolean committed = backups.finishCreate(backupId, result.objectCount(), result.bytesStored(), container,
                        config.storageAvailabilityZone(), engine.serviceName());
                outcome = new BackupEvents.Result(committed ? Outcome.SUCCESS : Outcome.CANCELLED, since(started), result.bytesRead(),
                        result.bytesStored(), result.bytesNew(), null);
                if (!committed && isDeleting(backupId)) {
                    // Force-deleted while running: what was written goes too.
                    engine.delete(backupId);
                    finishDelete(backupId);
                }
            } else if (failure != null) {
                outcome = BackupEvents.Result.of(Outcome.ERROR, since(started), reason(failure));
                if (backups.fail(backupId, BackupStatus.CREATING, reason(failure))) {
                    tell(backup, requestId, MessageAction.BACKUP_CREATE,
                            device == null ? MessageDetail.BACKUP_CREATE_DEVICE_ERROR : MessageDetail.BACKUP_CREATE_DRIVER_ERROR);
                } else if (isDeleting(backupId)) {
                    finishDelete(backupId);
                }
            }
        } finally {
            // After the record's final status, so that a notification shows it.
            events.finished(Operation.CREATE, backupId, outcome != null ? outcome
                    : BackupEvents.Result.of(Outcome.ERROR, since(started), "interrupted"));
            // Until here a force delete only asks the backup to stop; the record's outcome above deals with it.
            running.remove(backupId);
            cancelled.remove(backupId);
        }
    }

    private String volumeTopic(String volumeId) {
        return volumeTopicOfHost.apply(volumeId == null ? null : volumes.find(volumeId).map(Volume::host).orElse(null));
    }

    /** The volume's changed-block map starts from this backup, or keeps the changes it captured for the next one. */
    private void finishChanges(String backupId, boolean committed) {
        try {
            String volumeId = backups.findIncludingDeleted(backupId).map(Backup::volumeId).orElse(null);
            bus.call(volumeTopic(volumeId), new VolumeMessage.FinishBackup(backupId, committed), Boolean.class, VOLUME_CALL_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.error("updating the changed-block map after backup {} failed", backupId, e);
        }
    }

    /** The volume's host stops exporting the backup's device to this host (if it did: a host of its own only). */
    private void releaseDevice(String backupId, String volumeId) {
        try {
            bus.call(volumeTopic(volumeId), new VolumeMessage.ReleaseDevice(backupId), Boolean.class, RELEASE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.error("ending the device export of backup {} failed", backupId, e);
        }
    }

    /**
     * The source volume (or snapshot) goes back to where it was, and its device export and a temporary snapshot are
     * removed.
     */
    private void releaseSource(Backup backup, String temporarySnapshot) {
        releaseDevice(backup.id(), backup.volumeId());
        if (backup.snapshotId() != null) {
            snapshots.compareAndSetStatus(backup.snapshotId(), SnapshotStatus.BACKING_UP, SnapshotStatus.AVAILABLE);
        } else if (backup.previousVolumeStatus() != null) {
            // Only a backup that moved its volume to backing-up moves it back (an import never did).
            volumes.compareAndSetStatus(backup.volumeId(), VolumeStatus.BACKING_UP, VolumeStatus.fromWire(backup.previousVolumeStatus()));
        }
        String snapshot = temporarySnapshot != null ? temporarySnapshot
                : backups.findIncludingDeleted(backup.id()).map(Backup::tempSnapshotId).orElse(null);
        if (snapshot != null) {
            try {
                bus.call(volumeTopic(backup.volumeId()), new VolumeMessage.RemoveTemporarySnapshot(snapshot), Boolean.class, VOLUME_CALL_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.error("removing temporary snapshot {} of backup {} failed", snapshot, backup.id(), e);
            }
        }
    }

    private Accepted acceptRestore(String backupId, String volumeId, boolean volumeIsNew, String requestId) {
        Backup backup = backups.find(backupId).orElse(null);
        Volume volume = volumes.find(volumeId).orElse(null);
        VolumeStatus working = volumeIsNew ? VolumeStatus.CREATING : VolumeStatus.RESTORING_BACKUP;
        if (backup == null || backup.status() != BackupStatus.RESTORING || !volumeId.equals(backup.restoreVolumeId()) || volume == null
                || volume.status() != working || !isMine(backup) || !backups.startWork(backupId, BackupStatus.RESTORING, config.host())) {
            return null;
        }
        restoringVolumes.add(volumeId);
        return new Accepted(() -> restoreBackup(backup, volume, working, volumeIsNew, requestId));
    }

    private void restoreBackup(Backup backup, Volume volume, VolumeStatus working, boolean volumeIsNew, String requestId)
            throws InterruptedException {
        String backupId = backup.id();
        String volumeId = volume.id();
        long started = System.nanoTime();
        events.started(Operation.RESTORE, backupId);
        AtomicLong restored = new AtomicLong();
        BackupEvents.Result outcome = null;
        try {
            operations.acquire();
        } catch (InterruptedException e) {
            restoringVolumes.remove(volumeId);
            events.finished(Operation.RESTORE, backupId, BackupEvents.Result.of(Outcome.ERROR, since(started), "interrupted"));
            throw e;
        }
        try {
            bus.call(volumeTopic(volumeId), new VolumeMessage.InvalidateChanges(volumeId, "restored from backup " + backupId), Boolean.class,
                    VOLUME_CALL_TIMEOUT);
            // The volume's host empties the volume first: old data must not show through what the restore leaves as holes.
            VolumeDevice device = bus.call(volumeTopic(volumeId), new VolumeMessage.GetRestoreDevice(backupId, volumeId, config.host()),
                    VolumeDevice.class, VOLUME_CALL_TIMEOUT);
            try (RestoreSink target = devices.sink(device, volume.sizeBytes(), "volume " + volumeId)) {
                engine.restore(backupId, target, (done, total) -> {
                    progress.update(backupId, "restore", done, total);
                    restored.set(done);
                    events.progress(Operation.RESTORE, backupId, done, total);
                });
            } finally {
                releaseDevice(backupId, volumeId);
            }
            // The volume first, as in cinder: a client waiting for the backup finds the volume ready.
            if (volumes.compareAndSetStatus(volumeId, working, VolumeStatus.AVAILABLE)) {
                volumes.markLaunched(volumeId);
            }
            backups.compareAndSetStatus(backupId, BackupStatus.RESTORING, BackupStatus.AVAILABLE);
            outcome = new BackupEvents.Result(Outcome.SUCCESS, since(started), restored.get(), 0, 0, null);
        } catch (IOException | RuntimeException e) {
            LOG.error("restore of backup {} to volume {} failed", backupId, volumeId, e);
            tell(backup, requestId, MessageAction.BACKUP_RESTORE, MessageDetail.BACKUP_RESTORE_ERROR);
            outcome = new BackupEvents.Result(Outcome.ERROR, since(started), restored.get(), 0, 0, reason(e));
            volumes.compareAndSetStatus(volumeId, working, volumeIsNew ? VolumeStatus.ERROR : VolumeStatus.ERROR_RESTORING);
            backups.compareAndSetStatus(backupId, BackupStatus.RESTORING, BackupStatus.AVAILABLE);
        } finally {
            events.finished(Operation.RESTORE, backupId, outcome != null ? outcome
                    : BackupEvents.Result.of(Outcome.ERROR, since(started), "interrupted"));
            restoringVolumes.remove(volumeId);
            progress.finish(backupId);
            operations.release();
        }
    }

    private void deleteBackup(String backupId, String requestId) {
        if (running.contains(backupId)) {
            // A force delete of a running backup: the backup stops at its next block and deletes itself.
            cancelled.add(backupId);
            return;
        }
        Backup backup = backups.find(backupId).orElse(null);
        if (backup == null || backup.status() != BackupStatus.DELETING) {
            return;
        }
        long started = System.nanoTime();
        events.started(Operation.DELETE, backupId);
        try {
            engine.delete(backupId);
            finishDelete(backupId);
            events.finished(Operation.DELETE, backupId, BackupEvents.Result.of(Outcome.SUCCESS, since(started), null));
        } catch (RuntimeException e) {
            LOG.error("deleting backup {} failed", backupId, e);
            if (backups.fail(backupId, BackupStatus.DELETING, reason(e))) {
                tell(backup, requestId, MessageAction.BACKUP_DELETE, MessageDetail.BACKUP_DELETE_DRIVER_ERROR);
            }
            events.finished(Operation.DELETE, backupId, BackupEvents.Result.of(Outcome.ERROR, since(started), reason(e)));
        }
    }

    private void finishDelete(String backupId) {
        Backup backup = backups.find(backupId).orElse(null);
        if (backup != null) {
            transactions.run(() -> {
                if (backups.markDeleted(backupId)) {
                    quotas.release(backup.projectId(), Map.of(Resource.BACKUPS, 1L, Resource.BACKUP_GIGABYTES, (long) backup.size()));
                }
            });
        }
    }

    private void importRecord(String backupId, String manifestJson, String snapshotId) {
        try {
            engine.importManifest(backupId, manifestJson);
            Backup backup = backups.find(backupId).orElseThrow();
            backups.finishImport(new Backup(backupId, backup.projectId(), backup.userId(), backup.volumeId(), snapshotId,
                    backup.parentId(), backup.name(), backup.description(), BackupStatus.AVAILABLE, null, backup.size(),
                    backup.objectCount(), backup.storedBytes(), backup.container(), config.storageAvailabilityZone(), null, engine.serviceName(),
                    backup.metadata(), null, null, null, backup.dataTimestamp(), backup.createdAt(), null, null));
        } catch (RuntimeException e) {
            LOG.error("import of backup {} failed", backupId, e);
            backups.fail(backupId, BackupStatus.CREATING, "Import record failed: " + reason(e));
        }
    }

    /**
     * Start-up (cinder's init_host), before this host takes messages: the work it had taken is not left in a
     * transitional status, so a redelivered request for such work finds it finished and does nothing. Work it had
     * not taken yet stays: its message is still in this host's queue ({@link #resumeWork()}).
     */
    public void cleanupAfterRestart() {
        recover(config.host(), RESTART_REASON, false);
    }

    /**
     * The work of backup hosts whose heartbeat stopped ends as their own restart would end it, so a killed host
     * leaves no backup creating and no volume backing-up. Every live backup host does this; compare-and-set makes
     * the race between them harmless.
     */
    public void recoverStoppedHosts(List<String> stoppedHosts) {
        for (String host : stoppedHosts) {
            if (!host.equals(config.host())) {
                recover(host, "backup service on host " + host + " stopped (no heartbeat for service_down_time)", true);
                takeOver(host);
                for (Backup backup : backups.withStatus(BackupStatus.DELETING, host)) {
                    bus.cast(Topics.BACKUP, new BackupMessage.DeleteBackup(backup.id(), null));
                }
            }
        }
    }

    /**
     * Ends the work {@code host} had taken, as its restart does; {@code hostDown}: another host does it, and the
     * owners are told the backup service is down (a restart tells nobody, as cinder's init_host).
     */
    private void recover(String host, String reason, boolean hostDown) {
        for (Backup backup : backups.withWork(BackupStatus.CREATING, host, true)) {
            if (end(backup, BackupStatus.ERROR, reason, hostDown)) {
                LOG.warn("backup {} failed: {}", backup.id(), reason);
                releaseSource(backup, null);
                if (hostDown) {
                    tell(backup, null, MessageAction.BACKUP_CREATE, MessageDetail.BACKUP_SERVICE_DOWN);
                }
            }
        }
        for (Backup backup : backups.withWork(BackupStatus.RESTORING, host, true)) {
            boolean ended = end(backup, BackupStatus.AVAILABLE, null, hostDown);
            if (ended && hostDown) {
                tell(backup, null, MessageAction.BACKUP_RESTORE, MessageDetail.BACKUP_SERVICE_DOWN);
            }
            // A peer that did not end the restore leaves its volume alone: the host may be back and restoring it. Whoever
            // ended it (this host's restart, or another peer) deals with the volume too.
            if (backup.restoreVolumeId() != null && (ended || !hostDown)) {
                releaseDevice(backup.id(), backup.restoreVolumeId());
                if (!volumes.compareAndSetStatus(backup.restoreVolumeId(), VolumeStatus.RESTORING_BACKUP, VolumeStatus.ERROR_RESTORING)) {
                    volumes.compareAndSetStatus(backup.restoreVolumeId(), VolumeStatus.CREATING, VolumeStatus.ERROR);
                }
            }
        }
    }

    /**
     * The work's status moves on ({@code to}); a restart ends its own host's work outright, a peer only while the host
     * is still down when the row changes: its list of down hosts is a moment old, and a host that came back (beating
     * before it takes messages) may have taken the work from its queue since.
     */
    private boolean end(Backup backup, BackupStatus to, String reason, boolean hostDown) {
        if (hostDown) {
            return backups.endWorkOfDownHost(backup.id(), backup.status(), to, reason, backup.host(), Topics.BACKUP,
                    Instant.now().minus(config.serviceDownTime()));
        }
        return to == BackupStatus.ERROR ? backups.fail(backup.id(), backup.status(), reason)
                : backups.compareAndSetStatus(backup.id(), backup.status(), to);
    }

    /**
     * The creates and restores a stopped host had not taken yet come to this host (compare-and-set: one live host
     * wins each), with a message of their own: the one in the stopped host's queue finds the row names another host.
     * With {@code backup_use_same_host} no other host may do a volume's work: it waits in its own host's queue for
     * that host's return.
     */
    private void takeOver(String stoppedHost) {
        if (config.backupUseSameHost()) {
            return;
        }
        for (BackupStatus status : List.of(BackupStatus.CREATING, BackupStatus.RESTORING)) {
            for (Backup backup : backups.withWork(status, stoppedHost, false)) {
                // A backup asked in a zone stays in it, as the scheduler's choice did.
                boolean myZone = status != BackupStatus.CREATING || backup.availabilityZone() == null
                        || backup.availabilityZone().equals(config.storageAvailabilityZone());
                if (myZone && backups.reassignHost(backup.id(), status, stoppedHost, config.host())) {
                    LOG.warn("backup {} ({}) moves from stopped host {} to this host", backup.id(), status.wire(), stoppedHost);
                    askAgain(backup);
                }
            }
        }
    }

    /**
     * After start-up and subscription: deletes this host left unfinished, and the creates and restores it has not
     * taken, are asked for again. A create or restore whose first message is still queued runs once: the second
     * message finds the work taken.
     */
    public void resumeWork() {
        for (Backup backup : backups.withStatus(BackupStatus.DELETING, config.host())) {
            bus.cast(Topics.BACKUP, new BackupMessage.DeleteBackup(backup.id(), null));
        }
        for (BackupStatus status : List.of(BackupStatus.CREATING, BackupStatus.RESTORING)) {
            backups.withWork(status, config.host(), false).forEach(this::askAgain);
        }
    }

    /** Casts the create or restore the row asks for to this host. */
    private void askAgain(Backup backup) {
        String topic = Topics.onHost(Topics.BACKUP, config.host());
        if (backup.status() == BackupStatus.CREATING) {
            bus.cast(topic, new BackupMessage.CreateBackup(backup.id(), null));
        } else if (backup.restoreVolumeId() != null) {
            boolean volumeIsNew = volumes.find(backup.restoreVolumeId()).map(v -> v.status() == VolumeStatus.CREATING).orElse(false);
            bus.cast(topic, new BackupMessage.RestoreBackup(backup.id(), backup.restoreVolumeId(), volumeIsNew, null));
        }
    }

    /** Creating and restoring belong to the host the row names; any other host leaves such a message alone. */
    private boolean isMine(Backup backup) {
        if (config.host().equals(backup.host())) {
            return true;
        }
        LOG.warn("ignoring a request for backup {}, which host {} works on", backup.id(), backup.host());
        return false;
    }

    /** A user message about the backup for its project (cinder's create_from_request_context). */
    private void tell(Backup backup, String requestId, MessageAction action, MessageDetail detail) {
        messages.recordError(backup.projectId(), requestId, action, MessageResourceType.VOLUME_BACKUP, backup.id(), detail);
    }

    private boolean isDeleting(String backupId) {
        return backups.find(backupId).map(b -> b.status() == BackupStatus.DELETING).orElse(false);
    }

    /** Backups and restores waiting for a turn under {@code backup_max_operations} (the queue depth). */
    public int waitingOperations() {
        return operations.getQueueLength();
    }

    /** Backups and restores working now. */
    public int runningOperations() {
        return running.size() + restoringVolumes.size();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** Thrown from the progress listener to stop a backup that was force-deleted. */
    private static final class BackupCancelledException extends RuntimeException {
        BackupCancelledException() {
            super("backup cancelled", null, false, false);
        }
    }
}
