package io.hearth.service.notification;

import io.hearth.service.backup.Backup;
import io.hearth.service.backup.BackupDao;
import io.hearth.service.backup.BackupEvents;
import io.hearth.service.config.OpsSettings;
import io.hearth.service.config.OpsSettings.NotificationDriver;
import io.hearth.service.notification.Notification.Priority;
import io.hearth.service.rpc.Bus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cinder's backup notifications ({@code backup.create.start}, {@code backup.createprogress}, {@code backup.create.end},
 * {@code backup.restore.*}, {@code backup.delete.*}) with cinder's payload (volume/utils.py {@code _usage_from_backup}),
 * published on the bus under {@code <topic>.info} or {@code <topic>.error} and logged as one JSON line, as the
 * {@code [oslo_messaging_notifications]} drivers say. A failed operation sends {@code backup.<operation>.error}
 * (priority ERROR), which cinder does not.
 */
public final class BackupNotifier implements BackupEvents {
    public static final String LOGGER = "hearth.notifications";
    private static final Logger LOG = LoggerFactory.getLogger(BackupNotifier.class);

    private final BackupDao backups;
    private final Bus bus;
    private final OpsSettings settings;
    private final String publisherId;
    private final Consumer<String> logLine;
    private final Clock clock;
    /** When each running backup last sent backup.createprogress (or started). */
    private final Map<String, Instant> lastProgress = new ConcurrentHashMap<>();

    /** @param logLine receives the log driver's lines; {@link #toLogger()} in production */
    public BackupNotifier(BackupDao backups, Bus bus, OpsSettings settings, String host, Consumer<String> logLine, Clock clock) {
        this.backups = backups;
        this.bus = bus;
        this.settings = settings;
        this.publisherId = "backup." + host;
        this.logLine = logLine;
        this.clock = clock;
    }

    public static Consumer<String> toLogger() {
        return LoggerFactory.getLogger(LOGGER)::info;
    }

    @Override
    public void started(Operation operation, String backupId) {
        if (operation == Operation.CREATE) {
            lastProgress.put(backupId, clock.instant());
        }
        send(backupId, "backup." + operation.wire() + ".start", Priority.INFO, Map.of());
    }

    /** At most one per {@code backup_timer_interval} per backup: progress arrives per block range. */
    @Override
    public void progress(Operation operation, String backupId, long bytesDone, long bytesTotal) {
        if (operation != Operation.CREATE || bytesTotal <= 0) {
            return;
        }
        Instant now = clock.instant();
        Instant last = lastProgress.get(backupId);
        if (last != null && Duration.between(last, now).compareTo(settings.backupTimerInterval()) < 0) {
            return;
        }
        // Only the thread that moves the time on sends, so two threads at once do not both send.
        if (last == null ? lastProgress.putIfAbsent(backupId, now) == null : lastProgress.replace(backupId, last, now)) {
            send(backupId, "backup.createprogress", Priority.INFO, Map.of("backup_percent", bytesDone * 100 / bytesTotal));
        }
    }

    @Override
    public void finished(Operation operation, String backupId, Result result) {
        lastProgress.remove(backupId);
        switch (result.outcome()) {
            case SUCCESS -> {
                if (operation == Operation.CREATE) {
                    // As cinder's chunked driver ends a backup: a last createprogress at 100, which cinder sends before
                    // the manager commits the record, so it shows the backup still creating.
                    send(backupId, "backup.createprogress", Priority.INFO, Map.of("backup_percent", 100, "status", "creating"));
                }
                send(backupId, "backup." + operation.wire() + ".end", Priority.INFO, Map.of());
            }
            case ERROR -> send(backupId, "backup." + operation.wire() + ".error", Priority.ERROR,
                    Map.of("fail_reason", String.valueOf(result.failReason())));
            case CANCELLED -> { }
        }
    }

    private void send(String backupId, String eventType, Priority priority, Map<String, Object> extra) {
        if (settings.notificationDrivers().isEmpty()) {
            return;
        }
        try {
            Optional<Backup> backup = backups.findIncludingDeleted(backupId);
            if (backup.isEmpty()) {
                return;
            }
            Map<String, Object> payload = usage(backup.get());
            payload.putAll(extra);
            Notification notification = new Notification(UUID.randomUUID().toString(), publisherId, eventType, priority.name(),
                    payload, Notification.osloTime(clock.instant()));
            if (settings.notificationDrivers().contains(NotificationDriver.LOG)) {
                logLine.accept(notification.json());
            }
            if (settings.notificationDrivers().contains(NotificationDriver.MESSAGINGV2)) {
                byte[] body = notification.envelope();
                for (String topic : settings.notificationTopics()) {
                    bus.publishEvent(topic + "." + priority.routingSuffix(), body);
                }
            }
        } catch (RuntimeException e) {
            // A notification is never worth failing the backup it reports on.
            LOG.warn("notification {} for backup {} not sent: {}", eventType, backupId, e.getMessage());
        }
    }

    /** cinder's _usage_from_backup. */
    private Map<String, Object> usage(Backup backup) {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("tenant_id", backup.projectId());
        usage.put("user_id", backup.userId());
        usage.put("availability_zone", backup.availabilityZone());
        usage.put("backup_id", backup.id());
        usage.put("host", backup.host());
        usage.put("display_name", backup.name());
        usage.put("created_at", backup.createdAt() == null ? null : backup.createdAt().toString());
        usage.put("status", backup.status().wire());
        usage.put("volume_id", backup.volumeId());
        usage.put("size", backup.size());
        usage.put("service_metadata", null);
        usage.put("service", backup.service());
        usage.put("fail_reason", backup.failReason());
        usage.put("parent_id", backup.parentId());
        usage.put("num_dependent_backups", backups.countDependents(backup.id()));
        usage.put("snapshot_id", backup.snapshotId());
        return usage;
    }
}
