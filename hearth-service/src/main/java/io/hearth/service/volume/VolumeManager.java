package io.hearth.service.volume;

import io.hearth.engine.backup.ByteRange;
import io.hearth.service.backup.Backup;
import io.hearth.service.backup.BackupDao;
import io.hearth.service.db.Transactions;
import io.hearth.service.error.ServiceException;
import io.hearth.service.nbd.ChangeTracker;
import io.hearth.service.nbd.VolumeExports;
import io.hearth.service.quota.QuotaService;
import io.hearth.service.quota.Resource;
import io.hearth.service.snapshot.Snapshot;
import io.hearth.service.snapshot.SnapshotDao;
import io.hearth.service.snapshot.SnapshotStatus;
import io.hearth.service.volume.VolumeMessage.BackupDevice;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The volume service: carries out volume and snapshot work on the driver and moves their statuses. */
public final class VolumeManager {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);

    private final VolumeDao volumes;
    private final SnapshotDao snapshots;
    private final BackupDao backups;
    private final AttachmentDao attachments;
    private final SparseFileDriver driver;
    private final QuotaService quotas;
    private final Transactions transactions;
    private final ChangeTracker tracker;
    private final VolumeExports exports;
    /** Whether a volume's host is this service's; start-up clean-up touches only those volumes, as cinder's init_host. */
    private final Predicate<String> isMyHost;
    /** This service's host name: a connector naming it is local to the volume files. */
    private final String host;

    public VolumeManager(VolumeDao volumes, SnapshotDao snapshots, BackupDao backups, AttachmentDao attachments,
            SparseFileDriver driver, QuotaService quotas, Transactions transactions, ChangeTracker tracker, VolumeExports exports,
            Predicate<String> isMyHost, String host) {
        this.isMyHost = isMyHost;
        this.host = host;
        this.transactions = transactions;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.backups = backups;
        this.attachments = attachments;
        this.driver = driver;
        this.quotas = quotas;
        this.tracker = tracker;
        this.exports = exports;
    }

    public Object handle(Record message) throws IOException {
        return switch ((VolumeMessage) message) {
            case VolumeMessage.CreateVolume m -> {
                createVolume(m.volumeId());
                yield null;
            }
            case VolumeMessage.DeleteVolume m -> {
                deleteVolume(m.volumeId());
                yield null;
            }
            case VolumeMessage.ExtendVolume m -> {
                extendVolume(m.volumeId(), m.newSize());
                yield null;
            }
            case VolumeMessage.RevertToSnapshot m -> {
                revertToSnapshot(m.volumeId(), m.snapshotId());
                yield null;
            }
            case VolumeMessage.CreateSnapshot m -> {
                createSnapshot(m.snapshotId());
                yield null;
            }
            case VolumeMessage.DeleteSnapshot m -> {
                deleteSnapshot(m.snapshotId());
                yield null;
            }
            case VolumeMessage.GetBackupDevice m -> backupDevice(m.backupId(), m.backupHost());
            case VolumeMessage.GetRestoreDevice m -> restoreDevice(m.backupId(), m.volumeId(), m.backupHost());
            case VolumeMessage.ReleaseDevice m -> {
                exports.closeDevice(m.backupId());
                yield Boolean.TRUE;
            }
            case VolumeMessage.RemoveTemporarySnapshot m -> {
                removeTemporarySnapshot(m.snapshotId());
                yield Boolean.TRUE;
            }
            case VolumeMessage.FinishBackup m -> {
                tracker.finishBackup(m.backupId(), m.committed());
                yield Boolean.TRUE;
            }
            case VolumeMessage.Connect m -> connect(m.attachmentId());
            case VolumeMessage.Disconnect m -> {
                exports.close(m.attachmentId());
                yield true;
            }
            case VolumeMessage.InvalidateChanges m -> {
                tracker.invalidate(m.volumeId(), m.reason());
                yield Boolean.TRUE;
            }
        };
    }

    /** A volume whose data comes from a backup is created empty here; the backup service then restores into it. */
    private void createVolume(String volumeId) {
        Volume volume = volumes.find(volumeId).orElse(null);
        if (volume == null || volume.status() != VolumeStatus.CREATING) {
            return;
        }
        try {
            if (volume.snapshotId() != null) {
                driver.createFromSnapshot(volume.snapshotId(), volumeId, volume.size());
            } else if (volume.sourceVolid() != null) {
                driver.cloneVolume(volume.sourceVolid(), volumeId, volume.size());
            } else {
                driver.createVolume(volumeId, volume.size());
            }
            if (volume.backupId() == null && volumes.compareAndSetStatus(volumeId, VolumeStatus.CREATING, VolumeStatus.AVAILABLE)) {
                volumes.markLaunched(volumeId);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("creating volume {} failed", volumeId, e);
            volumes.compareAndSetStatus(volumeId, VolumeStatus.CREATING, VolumeStatus.ERROR);
        }
    }

    private void deleteVolume(String volumeId) {
        Volume volume = volumes.find(volumeId).orElse(null);
        if (volume == null || volume.status() != VolumeStatus.DELETING) {
            return;
        }
        try {
            driver.deleteVolume(volumeId);
            tracker.forget(volumeId);
            transactions.run(() -> {
                volumes.markDeleted(volumeId);
                quotas.release(volume.projectId(), Map.of(Resource.VOLUMES, 1L, Resource.GIGABYTES, (long) volume.size()));
            });
        } catch (IOException | RuntimeException e) {
            LOG.error("deleting volume {} failed", volumeId, e);
            volumes.compareAndSetStatus(volumeId, VolumeStatus.DELETING, VolumeStatus.ERROR_DELETING);
        }
    }

    private void extendVolume(String volumeId, int newSize) {
        try {
            tracker.invalidate(volumeId, "extended to " + newSize + " GiB");
            driver.extend(volumeId, newSize);
            volumes.finishExtend(volumeId, newSize, true);
        } catch (IOException | RuntimeException e) {
            LOG.error("extending volume {} failed", volumeId, e);
            volumes.finishExtend(volumeId, newSize, false);
        }
    }

    /**
     * The map is invalidated before the data changes, so that no backup can take a revert for "nothing changed" —
     * not even after a crash part-way (the map is saved invalid first). A failure leaves the volume in error.
     */
    private void revertToSnapshot(String volumeId, String snapshotId) {
        Volume volume = volumes.find(volumeId).orElse(null);
        Snapshot snapshot = snapshots.find(snapshotId).orElse(null);
        if (volume == null || volume.status() != VolumeStatus.REVERTING || snapshot == null || snapshot.status() != SnapshotStatus.RESTORING) {
            return;
        }
        try {
            tracker.invalidate(volumeId, "reverted to snapshot " + snapshotId);
            driver.revertToSnapshot(snapshotId, volumeId);
            volumes.compareAndSetStatus(volumeId, VolumeStatus.REVERTING, VolumeStatus.AVAILABLE);
        } catch (IOException | RuntimeException e) {
            LOG.error("reverting volume {} to snapshot {} failed", volumeId, snapshotId, e);
            volumes.compareAndSetStatus(volumeId, VolumeStatus.REVERTING, VolumeStatus.ERROR);
        } finally {
            snapshots.compareAndSetStatus(snapshotId, SnapshotStatus.RESTORING, SnapshotStatus.AVAILABLE);
        }
    }

    private void createSnapshot(String snapshotId) {
        Snapshot snapshot = snapshots.find(snapshotId).orElse(null);
        if (snapshot == null || snapshot.status() != SnapshotStatus.CREATING) {
            return;
        }
        try {
            driver.createSnapshot(snapshot.volumeId(), snapshotId);
            snapshots.compareAndSetStatus(snapshotId, SnapshotStatus.CREATING, SnapshotStatus.AVAILABLE);
        } catch (IOException | RuntimeException e) {
            LOG.error("creating snapshot {} failed", snapshotId, e);
            snapshots.compareAndSetStatus(snapshotId, SnapshotStatus.CREATING, SnapshotStatus.ERROR);
        }
    }

    private void deleteSnapshot(String snapshotId) {
        Snapshot snapshot = snapshots.find(snapshotId).orElse(null);
        if (snapshot == null || snapshot.status() != SnapshotStatus.DELETING) {
            return;
        }
        try {
            driver.deleteSnapshot(snapshotId);
            transactions.run(() -> {
                snapshots.markDeleted(snapshotId);
                quotas.release(snapshot.projectId(), Map.of(Resource.SNAPSHOTS, 1L, Resource.GIGABYTES, (long) snapshot.size()));
            });
        } catch (IOException | RuntimeException e) {
            LOG.error("deleting snapshot {} failed", snapshotId, e);
            snapshots.compareAndSetStatus(snapshotId, SnapshotStatus.DELETING, SnapshotStatus.ERROR_DELETING);
        }
    }

    /** Exports the volume to a remote connector; a local one reaches the file directly, past the changed-block map. */
    private boolean connect(String attachmentId) {
        Attachment attachment = attachments.find(attachmentId)
                .orElseThrow(() -> ServiceException.notFound("VolumeAttachment " + attachmentId + " could not be found."));
        if (attachment.attachedHost() == null || attachment.attachedHost().equals(host)) {
            tracker.invalidate(attachment.volumeId(), "attached on this host: its writes bypass the map");
            return false;
        }
        exports.open(attachment.id(), attachment.volumeId(), "ro".equals(attachment.attachMode()));
        return true;
    }

    private BackupDevice backupDevice(String backupId, String backupHost) throws IOException {
        Backup backup = backups.find(backupId).orElseThrow(() -> new IllegalStateException("backup " + backupId + " vanished"));
        if (backup.snapshotId() != null) {
            return new BackupDevice(device(backupId, driver.snapshotPath(backup.snapshotId()), backupHost, true), null, null);
        }
        boolean local = attachments.ofVolume(backup.volumeId()).stream()
                .anyMatch(a -> a.connector() != null && !exports.serves(a.id()));
        if (local) {
            tracker.invalidate(backup.volumeId(), "attached on this host: its writes bypass the map");
        }
        // The map is captured before the copy below: what changes during the copy is marked for the next backup.
        List<ByteRange> changed = tracker.beginBackup(backupId, backup.volumeId(), backup.parentId()).orElse(null);
        if (!VolumeStatus.IN_USE.wire().equals(backup.previousVolumeStatus())) {
            return new BackupDevice(device(backupId, driver.volumePath(backup.volumeId()), backupHost, true), null, changed);
        }
        // In use: read a point-in-time copy, so the backup is consistent while the volume keeps changing.
        Volume volume = volumes.find(backup.volumeId()).orElseThrow(() -> new IllegalStateException("volume " + backup.volumeId() + " vanished"));
        String snapshotId = UUID.randomUUID().toString();
        snapshots.insert(new Snapshot(snapshotId, volume.projectId(), volume.userId(), volume.id(), "backup-" + backupId + "-temp",
                "temporary snapshot of backup " + backupId, volume.size(), SnapshotStatus.CREATING, Map.of(), true, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS), null));
        backups.setTempSnapshot(backupId, snapshotId);
        driver.createSnapshot(volume.id(), snapshotId);
        snapshots.compareAndSetStatus(snapshotId, SnapshotStatus.CREATING, SnapshotStatus.AVAILABLE);
        return new BackupDevice(device(backupId, driver.snapshotPath(snapshotId), backupHost, true), snapshotId, changed);
    }

    /**
     * The volume emptied at its size, so that old data never shows through what the restore leaves as holes, and given
     * to the backup service as its file or, on another host, as a writable export.
     */
    private VolumeDevice restoreDevice(String backupId, String volumeId, String backupHost) throws IOException {
        Volume volume = volumes.find(volumeId).orElseThrow(() -> new IllegalStateException("volume " + volumeId + " vanished"));
        Path file = driver.volumePath(volumeId);
        try (RandomAccessFile empty = new RandomAccessFile(file.toFile(), "rw")) {
            empty.setLength(0);
            empty.setLength(volume.sizeBytes());
        }
        return device(backupId, file, backupHost, false);
    }

    /** The file itself for a backup service on this host (it shares the files); an NBD export of it for another. */
    private VolumeDevice device(String backupId, Path file, String backupHost, boolean readOnly) throws IOException {
        if (backupHost == null || backupHost.equals(host)) {
            return VolumeDevice.local(file);
        }
        return VolumeDevice.remote(exports.openDevice(backupId, file, readOnly));
    }

    private void removeTemporarySnapshot(String snapshotId) throws IOException {
        driver.deleteSnapshot(snapshotId);
        snapshots.markDeleted(snapshotId);
    }

    /** Start-up: nothing this service owns is left in a transitional status (DESIGN §6). */
    public void cleanupAfterRestart() {
        for (Volume volume : mine(VolumeStatus.CREATING)) {
            if (volume.backupId() == null) {
                createVolume(volume.id());
            }
        }
        for (Volume volume : mine(VolumeStatus.DELETING)) {
            deleteVolume(volume.id());
        }
        for (Volume volume : mine(VolumeStatus.EXTENDING)) {
            volumes.finishExtend(volume.id(), volume.size(), false);
        }
        for (Volume volume : mine(VolumeStatus.ATTACHING)) {
            volumes.compareAndSetStatus(volume.id(), VolumeStatus.ATTACHING,
                    attachments.ofVolume(volume.id()).stream().anyMatch(a -> a.attachStatus().equals("attached"))
                            ? VolumeStatus.IN_USE : VolumeStatus.AVAILABLE);
        }
        for (Volume volume : mine(VolumeStatus.DETACHING)) {
            volumes.compareAndSetStatus(volume.id(), VolumeStatus.DETACHING, VolumeStatus.IN_USE);
        }
        // A revert cut short is done again from the start: the copy replaces the whole volume file.
        for (Snapshot snapshot : mine(SnapshotStatus.RESTORING)) {
            revertToSnapshot(snapshot.volumeId(), snapshot.id());
        }
        for (Volume volume : mine(VolumeStatus.REVERTING)) {
            volumes.compareAndSetStatus(volume.id(), VolumeStatus.REVERTING, VolumeStatus.ERROR);
        }
        for (Snapshot snapshot : mine(SnapshotStatus.CREATING)) {
            createSnapshot(snapshot.id());
        }
        for (Snapshot snapshot : mine(SnapshotStatus.DELETING)) {
            deleteSnapshot(snapshot.id());
        }
    }

    private List<Snapshot> mine(SnapshotStatus status) {
        return snapshots.withStatus(status).stream()
                .filter(s -> isMyHost.test(volumes.find(s.volumeId()).map(Volume::host).orElse(null))).toList();
    }

    private List<Volume> mine(VolumeStatus status) {
        return volumes.withStatus(status).stream().filter(v -> isMyHost.test(v.host())).toList();
    }
}
