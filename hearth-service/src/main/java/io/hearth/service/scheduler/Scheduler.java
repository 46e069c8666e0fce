package io.hearth.service.scheduler;

import io.hearth.service.backup.Backup;
import io.hearth.service.backup.BackupDao;
import io.hearth.service.backup.BackupMessage;
import io.hearth.service.backup.BackupStatus;
import io.hearth.service.error.ServiceException;
import io.hearth.service.rpc.Bus;
import io.hearth.service.rpc.Topics;
import io.hearth.service.snapshot.SnapshotDao;
import io.hearth.service.snapshot.SnapshotStatus;
import io.hearth.service.volume.VolumeDao;
import io.hearth.service.volume.VolumeStatus;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The scheduler: picks an up backup host in the backup's availability zone, or fails the backup with a reason. */
public final class Scheduler {
    public static final String BACKUP_BINARY = "cinder-backup";
    static final String NO_SERVICE = "Service not found for creating backup.";

    private final ServiceRegistry services;
    private final BackupDao backups;
    private final VolumeDao volumes;
    private final SnapshotDao snapshots;
    private final Bus bus;

    public Scheduler(ServiceRegistry services, BackupDao backups, VolumeDao volumes, SnapshotDao snapshots, Bus bus) {
        this.services = services;
        this.backups = backups;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.bus = bus;
    }

    public Object handle(Record message) {
        if (message instanceof BackupMessage.ScheduleBackup schedule) {
            scheduleBackup(schedule.backupId());
            return null;
        }
        throw new IllegalArgumentException("the scheduler does not handle " + message);
    }

    private void scheduleBackup(String backupId) {
        Backup backup = backups.find(backupId).orElse(null);
        if (backup == null || backup.status() != BackupStatus.CREATING) {
            return;
        }
        List<ServiceRecord> candidates = backupHosts(backup.availabilityZone());
        if (candidates.isEmpty()) {
            backups.fail(backupId, BackupStatus.CREATING, NO_SERVICE);
            if (backup.snapshotId() != null) {
                snapshots.compareAndSetStatus(backup.snapshotId(), SnapshotStatus.BACKING_UP, SnapshotStatus.AVAILABLE);
            } else {
                volumes.compareAndSetStatus(backup.volumeId(), VolumeStatus.BACKING_UP,
                        backup.previousVolumeStatus() == null ? VolumeStatus.AVAILABLE : VolumeStatus.fromWire(backup.previousVolumeStatus()));
            }
            return;
        }
        // The host the API chose, unless it went down meanwhile; the cast reaches that host only.
        String host = backup.host();
        if (candidates.stream().noneMatch(s -> s.host().equals(backup.host()))) {
            host = pick(candidates).host();
            if (!backups.reassignHost(backupId, backup.host(), host)) {
                return;
            }
        }
        bus.cast(Topics.onHost(Topics.BACKUP, host), new BackupMessage.CreateBackup(backupId));
    }

    /** Up and enabled backup services, in the zone if one is asked for. */
    public List<ServiceRecord> backupHosts(String availabilityZone) {
        return services.upServices(BACKUP_BINARY).stream()
                .filter(s -> availabilityZone == null || s.availabilityZone().equals(availabilityZone))
                .toList();
    }

    /**
     * The host to restore a backup: the one that holds it if it is up, another up host otherwise (as cinder; all
     * hosts reach the same repository).
     */
    public String restoreHost(Backup backup) {
        List<ServiceRecord> hosts = backupHosts(null);
        if (hosts.isEmpty()) {
            throw ServiceException.unavailable("No backup service is up to restore backup " + backup.id()
                    + ": start one or enable it (os-services), then try again.");
        }
        return hosts.stream().anyMatch(s -> s.host().equals(backup.host())) ? backup.host() : pick(hosts).host();
    }

    public ServiceRecord pick(List<ServiceRecord> candidates) {
        return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }
}
