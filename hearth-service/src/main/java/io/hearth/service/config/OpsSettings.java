package io.hearth.service.config;

import io.hearth.service.error.ServiceException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Metrics and notifications.
 *
 * @param metricsListenPort Hearth's {@code metrics_listen_port}: a process without the api (a backup, volume or scheduler
 *     process) serves {@code /metrics} and the health checks on this port; -1 (unset): it serves none
 * @param notificationDrivers {@code [oslo_messaging_notifications] driver}, oslo.messaging's names
 * @param notificationTopics {@code [oslo_messaging_notifications] topics}: the routing key prefixes
 * @param backupTimerInterval cinder's {@code backup_timer_interval}: the least time between two
 *     {@code backup.createprogress} notifications of one backup
 */
public record OpsSettings(int metricsListenPort, Set<NotificationDriver> notificationDrivers, List<String> notificationTopics,
        Duration backupTimerInterval) {

    /** oslo.messaging's notification drivers that Hearth has. */
    public enum NotificationDriver {
        /** On the bus, in oslo.messaging's 2.0 envelope ({@code messaging}, the 1.0 form, is taken as the same). */
        MESSAGINGV2,
        /** One JSON line on the {@code hearth.notifications} logger. */
        LOG,
        NOOP;

        static NotificationDriver fromOption(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "messagingv2", "messaging" -> MESSAGINGV2;
                case "log" -> LOG;
                case "noop" -> NOOP;
                default -> throw ServiceException.badRequest("[oslo_messaging_notifications] driver '" + value.strip()
                        + "' is not known; use messagingv2, log or noop (several separated by commas)");
            };
        }
    }

    static OpsSettings from(IniFile ini, int metricsListenPort, int backupTimerIntervalSeconds) {
        // Unlike oslo.messaging (no driver: no notifications), Hearth publishes and logs them unless told otherwise.
        String drivers = ini.get("oslo_messaging_notifications", "driver").orElse("messagingv2, log");
        Set<NotificationDriver> parsed = EnumSet.noneOf(NotificationDriver.class);
        Arrays.stream(drivers.split(",")).filter(d -> !d.isBlank()).map(NotificationDriver::fromOption).forEach(parsed::add);
        parsed.remove(NotificationDriver.NOOP);
        List<String> topics = Arrays.stream(ini.get("oslo_messaging_notifications", "topics").orElse("notifications").split(","))
                .map(String::strip).filter(t -> !t.isEmpty()).toList();
        if (topics.isEmpty()) {
            throw ServiceException.badRequest("[oslo_messaging_notifications] topics is empty; leave it out for 'notifications'");
        }
        return new OpsSettings(metricsListenPort, parsed, topics, Duration.ofSeconds(backupTimerIntervalSeconds));
    }

    public static OpsSettings defaults() {
        return from(IniFile.empty(), -1, 120);
    }
}
