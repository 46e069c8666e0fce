package io.hearth.service.scheduler;

import io.hearth.service.backup.Backup;
import io.hearth.service.backup.BackupDao;
import io.hearth.service.backup.BackupMessage;
import io.hearth.service.backup.BackupStatus;
import io.hearth.service.error.ServiceException;
import io.hearth.service.message.MessageAction;
import io.hearth.service.message.MessageDetail;
import io.hearth.service.message.MessageResourceType;
import io.hearth.service.message.UserMessages;
import io.hearth.service.rpc.Bus;
import io.hearth.service.rpc.Topics;
import io.hearth.service.snapshot.SnapshotDao;
import io.hearth.service.snapshot.SnapshotStatus;
import io.hearth.service.volume.VolumeDao;
import io.hearth.service.volume.VolumeStatus;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The scheduler: picks an up backup host in the backup's availability zone, or fails the backup with a reason; and
 * picks the volume host of a new volume as cinder's filter scheduler does in its simplest form.
 */
public final class Scheduler {
    public static final String BACKUP_BINARY = "cinder-backup";
    public static final String VOLUME_BINARY = "cinder-volume";
    static final String NO_SERVICE = "Service not found for creating backup.";

    private final ServiceRegistry services;
    private final BackupDao backups;
    private final VolumeDao volumes;
    private final SnapshotDao snapshots;
    private final Bus bus;
    /** cinder's {@code backup_use_same_host}: a volume is backed up by the backup service on its own host, or not at all. */
    private final boolean backupUseSameHost;
    private final Set<String> volumeServiceHosts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final UserMessages messages;

    public Scheduler(ServiceRegistry services, BackupDao backups, VolumeDao volumes, SnapshotDao snapshots, Bus bus, UserMessages messages,
            boolean backupUseSameHost) {
        this.messages = messages;
        this.services = services;
        this.backups = backups;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.bus = bus;
        this.backupUseSameHost = backupUseSameHost;
    }

    public Object handle(Record message) {
        if (message instanceof BackupMessage.ScheduleBackup schedule) {
            scheduleBackup(schedule.backupId(), schedule.requestId());
            return null;
        }
        throw new IllegalArgumentException("the scheduler does not handle " + message);
    }

    private void scheduleBackup(String backupId, String requestId) {
        Backup backup = backups.find(backupId).orElse(null);
        if (backup == null || backup.status() != BackupStatus.CREATING) {
            return;
        }
        String volumeHost = volumes.find(backup.volumeId()).map(io.hearth.service.volume.Volume::host).orElse(null);
        List<ServiceRecord> candidates = backupHostsFor(backup.availabilityZone(), volumeHost);
        if (candidates.isEmpty()) {
            if (backups.fail(backupId, BackupStatus.CREATING, NO_SERVICE)) {
                messages.recordError(backup.projectId(), requestId, MessageAction.BACKUP_CREATE, MessageResourceType.VOLUME_BACKUP,
                        backupId, MessageDetail.BACKUP_SCHEDULE_ERROR);
            }
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
            if (!backups.reassignHost(backupId, BackupStatus.CREATING, backup.host(), host)) {
                return;
            }
        }
        bus.cast(Topics.onHost(Topics.BACKUP, host), new BackupMessage.CreateBackup(backupId, requestId));
    }

    /** Up and enabled backup services, in the zone if one is asked for. */
    public List<ServiceRecord> backupHosts(String availabilityZone) {
        return services.upServices(BACKUP_BINARY).stream()
                .filter(s -> availabilityZone == null || s.availabilityZone().equals(availabilityZone))
                .toList();
    }

    /**
     * The backup hosts that may take a backup of a volume on {@code volumeHost}: the up ones of the zone; with
     * {@code backup_use_same_host} only the volume's own host (cinder's _get_available_backup_service_host).
     */
    public List<ServiceRecord> backupHostsFor(String availabilityZone, String volumeHost) {
        List<ServiceRecord> hosts = backupHosts(availabilityZone);
        return backupUseSameHost && volumeHost != null ? hosts.stream().filter(s -> s.host().equals(volumeHost)).toList() : hosts;
    }

    /** Says why {@link #backupHostsFor} found nothing, naming the option when it is what narrowed the choice. */
    public String noBackupHostReason(String availabilityZone, String volumeHost) {
        if (backupUseSameHost && volumeHost != null) {
            return "No backup service is up on host " + volumeHost + ", the volume's host (backup_use_same_host = true): start or enable"
                    + " it there, then try again.";
        }
        return "No backup service is up" + (availabilityZone == null ? "" : " in availability zone " + availabilityZone)
                + " to take this request: start one (hearth serve) or enable it (os-services), then try again.";
    }

    /**
     * The host to restore a backup: the one that holds it if it is up, another up host otherwise (as cinder; all
     * hosts reach the same repository). With {@code backup_use_same_host} only the backup's own host.
     */
    public String restoreHost(Backup backup) {
        List<ServiceRecord> hosts = backupHosts(null);
        boolean ownHostUp = hosts.stream().anyMatch(s -> s.host().equals(backup.host()));
        if (hosts.isEmpty() || (backupUseSameHost && !ownHostUp)) {
            throw ServiceException.unavailable("No backup service is up " + (backupUseSameHost ? "on host " + backup.host()
                    + " (backup_use_same_host = true)" : "") + " to restore backup " + backup.id()
                    + ": start one or enable it (os-services), then try again.");
        }
        return ownHostUp ? backup.host() : pick(hosts).host();
    }

    /**
     * The volume host for a new volume of {@code sizeGb} GiB in {@code availabilityZone}, as cinder's filter scheduler:
     * up and enabled volume services of that zone (AvailabilityZoneFilter) whose reported free bytes less their
     * reserve hold the volume (CapacityFilter); the most such bytes wins (CapacityWeigher), ties at random. A volume
     * made from a snapshot or another volume must stay on that volume's host (the driver copies the file there), so
     * {@code requiredHost} (or null) limits the choice to it, as cinder's backend_passes_filters.
     *
     * @throws NoValidBackend with cinder's reason when no host fits
     */
    public String volumeHost(String availabilityZone, int sizeGb, String requiredHost) {
        long size = sizeGb * (1L << 30);
        // A source recorded before volume hosts were chosen names an api host, not a volume service: it pins nothing.
        boolean pinned = requiredHost != null
                && services.list().stream().anyMatch(s -> s.binary().equals(VOLUME_BINARY) && s.host().equals(requiredHost));
        List<ServiceRecord> fitting = services.upServices(VOLUME_BINARY).stream()
                .filter(s -> s.availabilityZone().equals(availabilityZone))
                .filter(s -> !pinned || s.host().equals(requiredHost))
                .filter(s -> s.reportedCapacity().map(c -> c.usableFreeBytes() >= size).orElse(false))
                .toList();
        if (fitting.isEmpty()) {
            throw new NoValidBackend(!pinned ? "No weighed backends available"
                    : "Cannot place volume on " + requiredHost + ": it is down, disabled, in another availability zone or has not "
                            + sizeGb + " GiB free");
        }
        long most = fitting.stream().mapToLong(s -> s.capacity().usableFreeBytes()).max().orElseThrow();
        return pick(fitting.stream().filter(s -> s.capacity().usableFreeBytes() == most).toList()).host();
    }

    /** The availability zones a volume can be asked in: those of the volume services, and this deployment's default. */
    public Set<String> volumeZones(String defaultZone) {
        Set<String> zones = new TreeSet<>();
        zones.add(defaultZone);
        services.list().stream().filter(s -> s.binary().equals(VOLUME_BINARY)).forEach(s -> zones.add(s.availabilityZone()));
        return zones;
    }

    /**
     * Where work on a volume placed on {@code host} goes: that volume service's own queue. A volume without a host
     * (its scheduling failed) or recorded before volume hosts were chosen (its host names the api that took it) has
     * no volume service of that name, so its work goes to any volume service, as before. A host once seen as a volume
     * service stays one (service rows are not removed), so only unknown names cost a look at the services table.
     */
    public String volumeTopic(String host) {
        if (host == null) {
            return Topics.VOLUME;
        }
        boolean known = volumeServiceHosts.contains(host)
                || services.list().stream().anyMatch(s -> s.binary().equals(VOLUME_BINARY) && s.host().equals(host));
        if (known) {
            volumeServiceHosts.add(host);
        }
        return known ? Topics.onHost(Topics.VOLUME, host) : Topics.VOLUME;
    }

    public ServiceRecord pick(List<ServiceRecord> candidates) {
        return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }
}
