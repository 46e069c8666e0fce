package io.hearth.service.volume;

import io.hearth.service.auth.ProjectScope;
import io.hearth.service.auth.RequestContext;
import io.hearth.service.backup.Backup;
import io.hearth.service.backup.BackupDao;
import io.hearth.service.backup.BackupMessage;
import io.hearth.service.backup.BackupStatus;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.db.Transactions;
import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import io.hearth.service.quota.QuotaService;
import io.hearth.service.quota.Resource;
import io.hearth.service.rpc.Bus;
import io.hearth.service.message.MessageAction;
import io.hearth.service.message.MessageDetail;
import io.hearth.service.message.MessageResourceType;
import io.hearth.service.message.UserMessages;
import io.hearth.service.scheduler.NoValidBackend;
import io.hearth.service.scheduler.Scheduler;
import io.hearth.service.rpc.Topics;
import io.hearth.service.snapshot.Snapshot;
import io.hearth.service.snapshot.SnapshotDao;
import io.hearth.service.snapshot.SnapshotStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The API side of volumes: checks a request against the records, writes them, and hands the work to the volume service. */
public final class VolumeApi {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeApi.class);
    private static final Duration CREATE_TIMEOUT = Duration.ofMinutes(10);

    /** What a create request asks for; sources are mutually exclusive. */
    public record CreateVolume(Integer size, String name, String description, Map<String, String> metadata, String availabilityZone,
            String snapshotId, String sourceVolid, String backupId) {}

    private final VolumeDao volumes;
    private final SnapshotDao snapshots;
    private final BackupDao backups;
    private final AttachmentDao attachments;
    private final QuotaService quotas;
    private final ProjectScope scope;
    private final Scheduler scheduler;
    private final Bus bus;
    private final UserMessages messages;
    private final HearthConfig config;
    private final Transactions transactions;

    public VolumeApi(VolumeDao volumes, SnapshotDao snapshots, BackupDao backups, AttachmentDao attachments, QuotaService quotas,
            ProjectScope scope, Scheduler scheduler, Bus bus, HearthConfig config, Transactions transactions, UserMessages messages) {
        this.transactions = transactions;
        this.messages = messages;
        this.volumes = volumes;
        this.scheduler = scheduler;
        this.snapshots = snapshots;
        this.backups = backups;
        this.attachments = attachments;
        this.quotas = quotas;
        this.scope = scope;
        this.bus = bus;
        this.config = config;
    }

    public Volume get(RequestContext context, String id) {
        return volumes.find(id).filter(v -> scope.canSee(context, v.projectId()))
                .orElseThrow(() -> ServiceException.notFound("Volume " + id + " could not be found."));
    }

    public List<Volume> list(RequestContext context, boolean allTenants) {
        return volumes.list(scope.listScope(context, allTenants));
    }

    public List<Attachment> attachmentsOf(String volumeId) {
        return attachments.ofVolume(volumeId);
    }

    public Volume create(RequestContext context, CreateVolume request) {
        int sources = (request.snapshotId() != null ? 1 : 0) + (request.sourceVolid() != null ? 1 : 0) + (request.backupId() != null ? 1 : 0);
        if (sources > 1) {
            throw ServiceException.badRequest("Invalid input received: only one of snapshot_id, source_volid and backup_id may be given.");
        }
        String zone = request.availabilityZone() == null ? config.storageAvailabilityZone() : request.availabilityZone();
        if (!scheduler.volumeZones(config.storageAvailabilityZone()).contains(zone)) {
            throw ServiceException.badRequest("Invalid input received: Availability zone '" + zone + "' is invalid.");
        }
        Integer size = request.size();
        Snapshot snapshot = null;
        Volume source = null;
        Backup backup = null;
        if (request.snapshotId() != null) {
            snapshot = snapshots.find(request.snapshotId()).filter(s -> !s.temporary() && scope.canSee(context, s.projectId()))
                    .orElseThrow(() -> ServiceException.notFound("Snapshot " + request.snapshotId() + " could not be found."));
            if (snapshot.status() != SnapshotStatus.AVAILABLE) {
                throw ServiceException.invalidSnapshot("Originating snapshot status must be one of 'available' values");
            }
            size = checkSize(size, snapshot.size(), "snapshot");
        } else if (request.sourceVolid() != null) {
            source = get(context, request.sourceVolid());
            if (!EnumSet.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE).contains(source.status())) {
                throw ServiceException.invalidVolume("Volume " + source.id() + " status must be available or in-use to clone, but the current status is "
                        + source.status().wire() + ".");
            }
            size = checkSize(size, source.size(), "source volume");
        } else if (request.backupId() != null) {
            backup = backups.find(request.backupId()).filter(b -> scope.canSee(context, b.projectId()))
                    .orElseThrow(() -> ServiceException.notFound("Backup " + request.backupId() + " could not be found."));
            if (backup.status() != BackupStatus.AVAILABLE) {
                throw ServiceException.invalidBackup("Backup status must be available");
            }
            size = checkSize(size, backup.size(), "backup");
        }
        if (size == null || size < 1) {
            throw ServiceException.badRequest("Invalid input received: volume size must be an integer and greater than 0, not " + size + ".");
        }
        // A copy stays on its source's host (the driver copies the file there), as cinder's scheduler places it.
        String sourceHost = snapshot != null ? volumes.find(snapshot.volumeId()).map(Volume::host).orElse(null)
                : source != null ? source.host() : null;
        String volumeHost = placeVolume(zone, size, sourceHost);
        Volume volume = new Volume(UUID.randomUUID().toString(), context.projectId(), context.userId(), request.name(),
                request.description(), size, volumeHost == null ? VolumeStatus.ERROR : VolumeStatus.CREATING, null, zone, volumeHost,
                request.snapshotId(),
                request.sourceVolid(), request.backupId(), request.metadata() == null ? Map.of() : request.metadata(), false,
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS), null, null);
        Backup restored = volumeHost == null ? null : backup;
        // The backup service that fills the volume: the backup's host if it is up, else another live one.
        String host = restored == null ? null : scheduler.restoreHost(backup);
        transactions.run(() -> {
            quotas.reserve(context.projectId(), Map.of(Resource.VOLUMES, 1L, Resource.GIGABYTES, (long) volume.size()));
            volumes.insert(volume);
            if (restored != null && !backups.startRestore(restored.id(), volume.id(), host)) {
                throw ServiceException.invalidBackup("Backup status must be available");
            }
        });
        if (volumeHost == null) {
            // Cinder's scheduler tells the user why (NoValidBackend): VOLUME_VOLUME_001_003.
            messages.recordError(context.projectId(), context.requestId(), MessageAction.SCHEDULE_ALLOCATE_VOLUME, MessageResourceType.VOLUME,
                    volume.id(), MessageDetail.NO_BACKEND_AVAILABLE);
            return volume;
        }
        String volumeTopic = scheduler.volumeTopic(volumeHost);
        if (restored != null) {
            // Create the empty volume first, then let the backup service fill it (the volume stays creating until then).
            bus.call(volumeTopic, new VolumeMessage.CreateVolume(volume.id()), Object.class, CREATE_TIMEOUT);
            bus.cast(Topics.onHost(Topics.BACKUP, host), new BackupMessage.RestoreBackup(restored.id(), volume.id(), true, context.requestId()));
        } else {
            bus.cast(volumeTopic, new VolumeMessage.CreateVolume(volume.id()));
        }
        return volume;
    }

    /**
     * The volume host the scheduler picks, or null when none fits: the volume is then recorded in {@code error}, as
     * cinder's scheduler leaves it, with a user message and the reason in the log.
     */
    private String placeVolume(String zone, int size, String sourceHost) {
        try {
            return scheduler.volumeHost(zone, size, sourceHost);
        } catch (NoValidBackend e) {
            LOG.warn("a new volume of {} GiB in availability zone {} goes to error: {}", size, zone, e.getMessage());
            return null;
        }
    }

    /** Creates a volume and waits until the volume service made it (restore to a new volume). */
    public Volume createAndWait(RequestContext context, int size, String name, String description) {
        String volumeHost;
        try {
            volumeHost = scheduler.volumeHost(config.storageAvailabilityZone(), size, null);
        } catch (NoValidBackend e) {
            throw ServiceException.invalidVolume(e.getMessage() + ": no volume service of availability zone "
                    + config.storageAvailabilityZone() + " is up with " + size + " GiB free; free space or start one, then try again.");
        }
        Volume volume = new Volume(UUID.randomUUID().toString(), context.projectId(), context.userId(), name, description, size,
                VolumeStatus.CREATING, null, config.storageAvailabilityZone(), volumeHost, null, null, null, Map.of(), false,
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS), null, null);
        transactions.run(() -> {
            quotas.reserve(context.projectId(), Map.of(Resource.VOLUMES, 1L, Resource.GIGABYTES, (long) size));
            volumes.insert(volume);
        });
        bus.call(scheduler.volumeTopic(volumeHost), new VolumeMessage.CreateVolume(volume.id()), Object.class, CREATE_TIMEOUT);
        Volume created = volumes.find(volume.id()).orElseThrow();
        if (created.status() != VolumeStatus.AVAILABLE) {
            throw ServiceException.invalidVolume("Volume " + volume.id() + " could not be created: its status is " + created.status().wire() + ".");
        }
        return created;
    }

    private static int checkSize(Integer requested, int minimum, String what) {
        if (requested == null) {
            return minimum;
        }
        if (requested < minimum) {
            throw ServiceException.badRequest("Invalid input received: Volume size '" + requested + "'GB cannot be smaller than the "
                    + what + " size " + minimum + "GB. They must be >= original " + what + " size.");
        }
        return requested;
    }

    public Volume update(RequestContext context, String id, Optional<String> name, Optional<String> description,
            Optional<Map<String, String>> metadata, boolean nameGiven, boolean descriptionGiven) {
        Volume volume = get(context, id);
        volumes.update(id, nameGiven ? name.orElse(null) : volume.name(), descriptionGiven ? description.orElse(null) : volume.description(),
                metadata.orElse(volume.metadata()));
        return volumes.find(id).orElseThrow();
    }

    public void delete(RequestContext context, String id) {
        Volume volume = get(context, id);
        boolean hasSnapshots = snapshots.ofVolume(id).stream().anyMatch(s -> !s.temporary());
        if (!VolumeStatus.DELETABLE.contains(volume.status()) || hasSnapshots || !attachments.ofVolume(id).isEmpty()) {
            throw ServiceException.invalidVolume("Volume status must be available or error or error_restoring or error_extending or "
                    + "error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, "
                    + "or be disassociated from snapshots after volume transfer.");
        }
        if (!volumes.compareAndSetStatus(id, volume.status(), VolumeStatus.DELETING)) {
            throw ServiceException.invalidVolume("Volume " + id + " changed status while being deleted; try again.");
        }
        bus.cast(scheduler.volumeTopic(volume.host()), new VolumeMessage.DeleteVolume(id));
    }

    public void extend(RequestContext context, String id, int newSize) {
        Volume volume = get(context, id);
        if (volume.status() != VolumeStatus.AVAILABLE) {
            throw ServiceException.invalidVolume("Volume " + id + " status must be available to extend, but the current status is "
                    + volume.status().wire() + ".");
        }
        if (newSize <= volume.size()) {
            throw ServiceException.badRequest("Invalid input received: New size for extend must be greater than current size. (current: "
                    + volume.size() + ", extended: " + newSize + ").");
        }
        transactions.run(() -> {
            quotas.reserve(volume.projectId(), Map.of(Resource.GIGABYTES, (long) newSize - volume.size()));
            if (!volumes.compareAndSetStatus(id, VolumeStatus.AVAILABLE, VolumeStatus.EXTENDING)) {
                throw ServiceException.invalidVolume("Volume " + id + " changed status; try again.");
            }
        });
        bus.cast(scheduler.volumeTopic(volume.host()), new VolumeMessage.ExtendVolume(id, newSize));
    }

    public void resetStatus(RequestContext context, String id, String status) {
        get(context, id);
        volumes.resetStatus(id, VolumeStatus.fromWire(status));
    }

    /**
     * Cinder's revert-to-snapshot (3.40): only to the volume's latest snapshot, of the volume's size, both available.
     * The volume is reverting and the snapshot restoring until the volume service has copied the data back.
     */
    public void revertToSnapshot(RequestContext context, String volumeId, String snapshotId) {
        Volume volume = get(context, volumeId);
        Snapshot snapshot = getSnapshot(context, snapshotId);
        Snapshot latest = snapshots.latestOfVolume(volumeId).orElseThrow(
                () -> ServiceException.badRequest("Volume " + volumeId + " doesn't have any snapshots."));
        if (!latest.id().equals(snapshot.id())) {
            throw ServiceException.badRequest("Specified snapshot " + snapshotId + " is None or not the latest one of volume "
                    + volumeId + ": revert to the latest snapshot (" + latest.id() + "), or delete the newer ones first.");
        }
        if (volume.size() != snapshot.size()) {
            throw ServiceException.badRequest("Can't revert volume " + volumeId + " to its latest snapshot " + snapshotId
                    + ". The volume size must be equal to the snapshot size.");
        }
        transactions.run(() -> {
            if (!volumes.compareAndSetStatus(volumeId, VolumeStatus.AVAILABLE, VolumeStatus.REVERTING)) {
                throw conflict("Invalid volume: Can't revert volume " + volumeId + " to its latest snapshot " + snapshotId
                        + ". Volume's status must be 'available'.");
            }
            if (!snapshots.compareAndSetStatus(snapshotId, SnapshotStatus.AVAILABLE, SnapshotStatus.RESTORING)) {
                throw conflict("Invalid snapshot: Can't revert volume " + volumeId + " to its latest snapshot " + snapshotId
                        + ". Snapshot's status must be 'available'.");
            }
        });
        bus.cast(scheduler.volumeTopic(volume.host()), new VolumeMessage.RevertToSnapshot(volumeId, snapshotId));
    }

    private static ServiceException conflict(String message) {
        return new ServiceException(ErrorKind.CONFLICT, message);
    }

    /** Snapshots taken of a volume, in one place with the volume they read. */
    public Snapshot createSnapshot(RequestContext context, String volumeId, String name, String description,
            Map<String, String> metadata, boolean force) {
        Volume volume = get(context, volumeId);
        boolean usable = volume.status() == VolumeStatus.AVAILABLE || (volume.status() == VolumeStatus.IN_USE && force);
        if (!usable) {
            throw ServiceException.invalidVolume(volume.status() == VolumeStatus.IN_USE
                    ? "Volume " + volumeId + " is in use: a snapshot of an in-use volume needs the force flag."
                    : "Volume " + volumeId + " status must be available or in-use, but the current status is " + volume.status().wire() + ".");
        }
        Snapshot snapshot = new Snapshot(UUID.randomUUID().toString(), context.projectId(), context.userId(), volumeId, name,
                description, volume.size(), SnapshotStatus.CREATING, metadata == null ? Map.of() : metadata, false, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS), null);
        transactions.run(() -> {
            quotas.reserve(context.projectId(), Map.of(Resource.SNAPSHOTS, 1L, Resource.GIGABYTES, (long) volume.size()));
            snapshots.insert(snapshot);
        });
        bus.cast(scheduler.volumeTopic(volume.host()), new VolumeMessage.CreateSnapshot(snapshot.id()));
        return snapshot;
    }

    public Snapshot getSnapshot(RequestContext context, String id) {
        return snapshots.find(id).filter(s -> !s.temporary() && scope.canSee(context, s.projectId()))
                .orElseThrow(() -> ServiceException.notFound("Snapshot " + id + " could not be found."));
    }

    public List<Snapshot> listSnapshots(RequestContext context, boolean allTenants) {
        return snapshots.list(scope.listScope(context, allTenants));
    }

    public void deleteSnapshot(RequestContext context, String id) {
        Snapshot snapshot = getSnapshot(context, id);
        if (!EnumSet.of(SnapshotStatus.AVAILABLE, SnapshotStatus.ERROR, SnapshotStatus.ERROR_DELETING).contains(snapshot.status())) {
            throw ServiceException.invalidSnapshot("Volume Snapshot status must be available or error or error_deleting, but is "
                    + snapshot.status().wire() + ".");
        }
        if (!snapshots.compareAndSetStatus(id, snapshot.status(), SnapshotStatus.DELETING)) {
            throw ServiceException.invalidSnapshot("Snapshot " + id + " changed status; try again.");
        }
        bus.cast(scheduler.volumeTopic(volumes.find(snapshot.volumeId()).map(Volume::host).orElse(null)),
                new VolumeMessage.DeleteSnapshot(id));
    }
}
