package io.hearth.service.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.auth.ProjectScope;
import io.hearth.service.auth.RequestContext;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.db.Json;
import io.hearth.service.db.Transactions;
import io.hearth.service.error.ServiceException;
import io.hearth.service.quota.QuotaService;
import io.hearth.service.quota.Resource;
import io.hearth.service.rpc.Bus;
import io.hearth.service.rpc.Topics;
import io.hearth.service.scheduler.Scheduler;
import io.hearth.service.scheduler.ServiceRecord;
import io.hearth.service.snapshot.Snapshot;
import io.hearth.service.snapshot.SnapshotDao;
import io.hearth.service.snapshot.SnapshotStatus;
import io.hearth.service.volume.Volume;
import io.hearth.service.volume.VolumeApi;
import io.hearth.service.volume.VolumeDao;
import io.hearth.service.volume.VolumeStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The API side of backups: cinder's checks (reference §1.4–1.10), records, quota, and the cast to the services. */
public final class BackupApi {
    private static final Duration EXPORT_TIMEOUT = Duration.ofMinutes(2);

    public record CreateBackup(String volumeId, String container, String name, String description, boolean incremental,
            boolean force, String snapshotId, Map<String, String> metadata, String availabilityZone) {}

    public record Restored(String backupId, String volumeId, String volumeName) {}

    public record ExportedRecord(String backupService, String backupUrl) {}

    private final BackupDao backups;
    private final VolumeDao volumes;
    private final SnapshotDao snapshots;
    private final VolumeApi volumeApi;
    private final QuotaService quotas;
    private final Scheduler scheduler;
    private final ProjectScope scope;
    private final Bus bus;
    private final HearthConfig config;
    private final String serviceName;
    private final Transactions transactions;

    public BackupApi(BackupDao backups, VolumeDao volumes, SnapshotDao snapshots, VolumeApi volumeApi, QuotaService quotas,
            Scheduler scheduler, ProjectScope scope, Bus bus, HearthConfig config, String serviceName, Transactions transactions) {
        this.transactions = transactions;
        this.backups = backups;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.volumeApi = volumeApi;
        this.quotas = quotas;
        this.scheduler = scheduler;
        this.scope = scope;
        this.bus = bus;
        this.config = config;
        this.serviceName = serviceName;
    }

    public Backup get(RequestContext context, String id) {
        return backups.find(id).filter(b -> scope.canSee(context, b.projectId()))
                .orElseThrow(() -> ServiceException.notFound("Backup " + id + " could not be found."));
    }

    public List<Backup> list(RequestContext context, boolean allTenants, Map<String, String> columnFilters) {
        return backups.list(scope.listScope(context, allTenants), columnFilters, "created_at DESC, id DESC");
    }

    public int dependents(String backupId) {
        return backups.countDependents(backupId);
    }

    public Backup create(RequestContext context, CreateBackup request) {
        Volume volume = volumeApi.get(context, request.volumeId());
        Snapshot snapshot = null;
        if (request.snapshotId() != null) {
            snapshot = volumeApi.getSnapshot(context, request.snapshotId());
            if (!snapshot.volumeId().equals(volume.id())) {
                throw ServiceException.invalidVolume("Volume " + volume.id() + " does not match with snapshot.volume_id " + snapshot.volumeId() + ".");
            }
            if (snapshot.status() != SnapshotStatus.AVAILABLE) {
                throw ServiceException.invalidSnapshot("Snapshot to be backed up must be available, but the current status is \""
                        + snapshot.status().wire() + "\".");
            }
        } else {
            if (volume.status() != VolumeStatus.AVAILABLE && volume.status() != VolumeStatus.IN_USE) {
                throw ServiceException.invalidVolume("Volume to be backed up must be available or in-use, but the current status is \""
                        + volume.status().wire() + "\".");
            }
            if (volume.status() == VolumeStatus.IN_USE && !request.force()) {
                throw ServiceException.invalidVolume("Backing up an in-use volume must use the force flag.");
            }
        }
        List<ServiceRecord> hosts = scheduler.backupHostsFor(request.availabilityZone(), volume.host());
        if (hosts.isEmpty()) {
            throw ServiceException.unavailable(scheduler.noBackupHostReason(request.availabilityZone(), volume.host()));
        }
        ServiceRecord host = scheduler.pick(hosts);
        Snapshot source = snapshot;
        Backup backup = transactions.inTransaction(() -> {
            quotas.reserve(context.projectId(), Map.of(Resource.BACKUPS, 1L, Resource.BACKUP_GIGABYTES, (long) volume.size()));
            return insertBackup(context, request, volume, source, host);
        });
        bus.cast(Topics.SCHEDULER, new BackupMessage.ScheduleBackup(backup.id(), context.requestId()));
        return backup;
    }

    /** Claims the source (volume or snapshot) and inserts the backup row, inside the caller's transaction. */
    private Backup insertBackup(RequestContext context, CreateBackup request, Volume volume, Snapshot snapshot, ServiceRecord host) {
        String parentId = null;
        if (request.incremental()) {
            parentId = parent(context, volume, snapshot).id();
        }
        VolumeStatus previous = volume.status();
        boolean claimed = snapshot != null
                ? snapshots.compareAndSetStatus(snapshot.id(), SnapshotStatus.AVAILABLE, SnapshotStatus.BACKING_UP)
                : volumes.compareAndSetStatusKeepingPrevious(volume.id(), previous, VolumeStatus.BACKING_UP);
        if (!claimed) {
            String now = snapshot != null
                    ? snapshots.find(snapshot.id()).map(s -> s.status().wire()).orElse("deleted")
                    : volumes.find(volume.id()).map(v -> v.status().wire()).orElse("deleted");
            throw snapshot != null
                    ? ServiceException.invalidSnapshot("Snapshot to be backed up must be available, but the current status is \"" + now + "\".")
                    : ServiceException.invalidVolume("Volume to be backed up must be available or in-use, but the current status is \"" + now + "\".");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Backup backup = new Backup(UUID.randomUUID().toString(), context.projectId(), context.userId(), volume.id(),
                request.snapshotId(), parentId, request.name(), request.description(), BackupStatus.CREATING, null, volume.size(), 0, null,
                request.container(), request.availabilityZone(), host.host(), null,
                request.metadata() == null ? Map.of() : request.metadata(), null, null, snapshot != null ? null : previous.wire(),
                snapshot != null ? snapshot.createdAt() : now, now, now, null);
        backups.insert(backup);
        return backup;
    }

    /** The latest available backup of the volume in the caller's project (cinder bug 1869746: never another project's). */
    private Backup parent(RequestContext context, Volume volume, Snapshot snapshot) {
        List<Backup> candidates = backups.ofVolume(volume.id(), context.projectId()).stream()
                .filter(b -> snapshot == null || b.dataTimestamp().isBefore(snapshot.createdAt()))
                .toList();
        Optional<Backup> latest = candidates.stream().max(Comparator.comparing(Backup::dataTimestamp).thenComparing(Backup::createdAt));
        if (latest.isEmpty() || latest.get().status() != BackupStatus.AVAILABLE) {
            Optional<Backup> available = candidates.stream().filter(b -> b.status() == BackupStatus.AVAILABLE)
                    .max(Comparator.comparing(Backup::dataTimestamp).thenComparing(Backup::createdAt));
            return available.orElseThrow(() -> ServiceException.invalidBackup("No backups available to do an incremental backup."));
        }
        return latest.get();
    }

    private ServiceRecord backupHost(String availabilityZone) {
        List<ServiceRecord> hosts = scheduler.backupHosts(availabilityZone);
        if (hosts.isEmpty()) {
            throw ServiceException.unavailable(scheduler.noBackupHostReason(availabilityZone, null));
        }
        return scheduler.pick(hosts);
    }

    public Backup update(RequestContext context, String id, Optional<String> name, Optional<String> description,
            Optional<Map<String, String>> metadata, boolean nameGiven, boolean descriptionGiven) {
        Backup backup = get(context, id);
        backups.update(id, nameGiven ? name.orElse(null) : backup.name(), descriptionGiven ? description.orElse(null) : backup.description(),
                metadata.orElse(backup.metadata()));
        return backups.find(id).orElseThrow();
    }

    public void delete(RequestContext context, String id) {
        Backup backup = get(context, id);
        if (backup.status() != BackupStatus.AVAILABLE && backup.status() != BackupStatus.ERROR) {
            throw ServiceException.invalidBackup("Backup status must be available or error");
        }
        // Children in any project count (cinder looks only in the caller's and can orphan a chain).
        if (backups.countChildren(id) > 0) {
            throw ServiceException.invalidBackup("Incremental backups exist for this backup.");
        }
        backupHost(null);
        if (!backups.compareAndSetStatus(id, backup.status(), BackupStatus.DELETING)) {
            throw ServiceException.invalidBackup("Backup status must be available or error");
        }
        bus.cast(Topics.BACKUP, new BackupMessage.DeleteBackup(id, context.requestId()));
    }

    public void forceDelete(RequestContext context, String id) {
        Backup backup = get(context, id);
        if (backups.countChildren(id) > 0) {
            throw ServiceException.invalidBackup("Incremental backups exist for this backup.");
        }
        backupHost(null);
        if (backups.forceDeleting(id)) {
            // A running backup stops only where it runs.
            bus.cast(backup.status() == BackupStatus.CREATING && backup.host() != null ? Topics.onHost(Topics.BACKUP, backup.host())
                    : Topics.BACKUP, new BackupMessage.DeleteBackup(id, context.requestId()));
        }
    }

    public void resetStatus(RequestContext context, String id, String status) {
        get(context, id);
        String wanted = status == null ? "" : status.toLowerCase(Locale.ROOT);
        if (!wanted.equals("available") && !wanted.equals("error")) {
            throw ServiceException.badRequest("Backup status: " + status + " is invalid, valid statuses are: ['available', 'error'].");
        }
        backups.resetStatus(id, BackupStatus.fromWire(wanted));
    }

    public Restored restore(RequestContext context, String id, String volumeId, String name) {
        Backup backup = get(context, id);
        if (backup.status() != BackupStatus.AVAILABLE) {
            throw ServiceException.invalidBackup("Backup status must be available");
        }
        backupHost(null);
        Volume volume = volumeId == null
                ? volumeApi.createAndWait(context, backup.size(), name != null ? name : "restore_backup_" + id,
                        "auto-created_from_restore_from_backup")
                : volumeApi.get(context, volumeId);
        if (volume.status() != VolumeStatus.AVAILABLE) {
            throw ServiceException.invalidVolume("Volume to be restored to must be available");
        }
        if (backup.size() > volume.size()) {
            throw ServiceException.invalidVolume("volume size " + volume.size() + " is too small to restore backup of size " + backup.size() + ".");
        }
        String host = scheduler.restoreHost(backup);
        transactions.run(() -> {
            if (!backups.startRestore(id, volume.id(), host)) {
                throw ServiceException.invalidBackup("Backup status must be available");
            }
            if (!volumes.compareAndSetStatus(volume.id(), VolumeStatus.AVAILABLE, VolumeStatus.RESTORING_BACKUP)) {
                throw ServiceException.invalidVolume("Volume to be restored to must be available");
            }
        });
        bus.cast(Topics.onHost(Topics.BACKUP, host), new BackupMessage.RestoreBackup(id, volume.id(), false, context.requestId()));
        return new Restored(id, volume.id(), volume.name());
    }

    public ExportedRecord export(RequestContext context, String id) {
        Backup backup = get(context, id);
        if (backup.status() != BackupStatus.AVAILABLE) {
            throw ServiceException.invalidBackup("Backup status must be available and not restoring.");
        }
        backupHost(null);
        String manifest = bus.call(Topics.BACKUP, new BackupMessage.ExportRecord(id), String.class, EXPORT_TIMEOUT);
        BackupRecord record;
        try {
            record = new BackupRecord(backup.id(), backup.userId(), backup.projectId(), backup.volumeId(), backup.host(),
                    backup.availabilityZone(), backup.container(), backup.parentId(), backup.status().wire(), backup.failReason(),
                    backup.size(), backup.name(), backup.description(), null, backup.service(), backup.objectCount(), null, null,
                    backups.countDependents(id), backup.snapshotId(), isoTime(backup.dataTimestamp()), null, backup.metadata(), null,
                    isoTime(backup.createdAt()), isoTime(backup.updatedAt()), null, false,
                    new BackupRecord.DriverInfo(Json.MAPPER.readTree(manifest)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the engine's manifest of " + id + " is not JSON", e);
        }
        String url = Base64.getEncoder().encodeToString(Json.write(record).getBytes(StandardCharsets.UTF_8));
        return new ExportedRecord(backup.service() == null ? serviceName : backup.service(), url);
    }

    public Backup importRecord(RequestContext context, String backupService, String backupUrl) {
        if (scheduler.backupHosts(null).isEmpty()) {
            throw ServiceException.unavailable("No backup service is up to import the record: start one (hearth serve), then try again.");
        }
        BackupRecord record;
        try {
            byte[] json = Base64.getDecoder().decode(backupUrl == null ? "" : backupUrl.strip());
            record = Json.MAPPER.readValue(json, BackupRecord.class);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw ServiceException.badRequest("Invalid input received: Can't decode/parse backup record.");
        }
        if (record == null || record.id() == null) {
            throw ServiceException.badRequest("Invalid input received: Provided backup record is missing an id attribute");
        }
        if (record.size() == null) {
            throw ServiceException.badRequest("Invalid input received: Provided backup record is missing an size attribute");
        }
        if (backupService != null && !backupService.startsWith(serviceName)) {
            throw ServiceException.badRequest("Invalid input received: backup_service " + backupService
                    + " is not this service's (" + serviceName + "); import the record where its backups are.");
        }
        if (record.driverInfo() == null || record.driverInfo().manifest() == null || record.driverInfo().manifest().isNull()) {
            throw ServiceException.badRequest("Invalid input received: the backup record carries no manifest in driver_info.");
        }
        try {
            UUID.fromString(record.id());
        } catch (IllegalArgumentException e) {
            throw ServiceException.badRequest("Invalid input received: backup record id " + record.id() + " is not a UUID.");
        }
        Optional<Backup> existing = backups.findIncludingDeleted(record.id());
        if (existing.isPresent() && existing.get().status() != BackupStatus.DELETED) {
            throw ServiceException.invalidBackup("Backup already exists in database.");
        }
        Backup backup = transactions.inTransaction(() -> {
            quotas.reserve(context.projectId(), Map.of(Resource.BACKUPS, 1L, Resource.BACKUP_GIGABYTES, (long) record.size()));
            existing.ifPresent(b -> backups.deleteRow(b.id()));
            Instant created = parseTime(record.createdAt()).orElse(Instant.now());
            Backup imported = new Backup(record.id(), context.projectId(), context.userId(),
                    record.volumeId() == null ? "00000000-0000-0000-0000-000000000000" : record.volumeId(), null,
                    record.parentId(), record.displayName(), record.displayDescription(), BackupStatus.CREATING, null, record.size(),
                    record.objectCount() == null ? 0 : record.objectCount(), storedBytes(record), record.container(), record.availabilityZone(),
                    config.host(), null, record.metadata() == null ? Map.of() : record.metadata(), null, null, null,
                    parseTime(record.dataTimestamp()).orElse(created), created, Instant.now(), null);
            backups.insert(imported);
            // Taken from the start: its ImportRecord goes to any backup host, and a create asked again for it
            // (BackupManager.resumeWork, or a stopped host's work taken over) would back up its volume instead.
            backups.startWork(imported.id(), BackupStatus.CREATING, config.host());
            return imported;
        });
        bus.cast(Topics.BACKUP, new BackupMessage.ImportRecord(record.id(), Json.write(record.driverInfo().manifest()), record.snapshotId()));
        return backup;
    }

    /** What the backup added to the repository when it was made, as its manifest recorded it; null if it did not. */
    private static Long storedBytes(BackupRecord record) {
        JsonNode stored = record.driverInfo().manifest().at("/stats/bytes_stored");
        return stored.canConvertToLong() ? stored.asLong() : null;
    }

    private static String isoTime(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).toString();
    }

    private static Optional<Instant> parseTime(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value.endsWith("Z") || value.contains("+") ? value : value + "Z"));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
