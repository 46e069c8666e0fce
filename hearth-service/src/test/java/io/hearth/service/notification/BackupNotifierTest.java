package io.hearth.service.notification;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.backup.Backup;
import io.hearth.service.backup.BackupDao;
import io.hearth.service.backup.BackupEvents;
import io.hearth.service.backup.BackupEvents.Operation;
import io.hearth.service.backup.BackupEvents.Outcome;
import io.hearth.service.backup.BackupStatus;
import io.hearth.service.config.IniFile;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.db.Database;
import io.hearth.service.db.DatabaseSettings;
import io.hearth.service.db.DatabaseUrl;
import io.hearth.service.db.Json;
import io.hearth.service.rpc.InProcessBus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The notifier's rules: how often createprogress goes out, the log line, the error priority, the drivers. */
class BackupNotifierTest {
    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-24T06:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private Database database;
    private BackupDao backups;
    private final InProcessBus bus = new InProcessBus();
    private final List<String> routingKeys = new CopyOnWriteArrayList<>();
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final ManualClock clock = new ManualClock();
    private final String backupId = UUID.randomUUID().toString();

    @BeforeEach
    void setUp() {
        database = Database.open(new DatabaseSettings(DatabaseUrl.parse("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"),
                DatabaseSettings.DEFAULT_MAX_POOL_SIZE, DatabaseSettings.DEFAULT_MAX_OVERFLOW));
        backups = new BackupDao(database.jdbi());
        backups.insert(new Backup(backupId, "p1", "u1", UUID.randomUUID().toString(), null, null, "nightly", null,
                BackupStatus.CREATING, null, 2, 0, null, null, "nova", "h1", null, Map.of(), null, null, "available", Instant.parse("2026-11-24T05:00:00Z"),
                Instant.parse("2026-11-24T05:00:00Z"), null, null));
        bus.listenToEvents((key, body) -> routingKeys.add(key));
    }

    @AfterEach
    void tearDown() {
        bus.close();
        database.close();
    }

    private BackupNotifier notifier(String... options) {
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]"));
        lines.addAll(List.of(options));
        return new BackupNotifier(backups, bus, HearthConfig.from(IniFile.parse(lines, "test")).ops(), "h1", logLines::add, clock);
    }

    private List<JsonNode> logged() {
        return logLines.stream().map(line -> {
            try {
                return Json.MAPPER.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not one JSON object: " + line, e);
            }
        }).toList();
    }

    @Test
    void createProgressGoesOutAtMostOncePerTimerInterval() {
        BackupNotifier notifier = notifier("backup_timer_interval = 10");
        notifier.started(Operation.CREATE, backupId);
        for (int second = 0; second < 35; second++) {
            notifier.progress(Operation.CREATE, backupId, second, 100);
            notifier.progress(Operation.CREATE, backupId, second, 100);
            clock.now = clock.now.plusSeconds(1);
        }
        // The manager marks the backup available before it reports the end.
        assertThat(backups.compareAndSetStatus(backupId, BackupStatus.CREATING, BackupStatus.AVAILABLE)).isTrue();
        notifier.finished(Operation.CREATE, backupId, BackupEvents.Result.of(Outcome.SUCCESS, Duration.ofSeconds(35), null));

        List<JsonNode> lines = logged();
        // cinder's driver sends its last createprogress before the record is committed: still creating at 100%.
        assertThat(lines.get(4).at("/payload/status").asText()).isEqualTo("creating");
        assertThat(lines.get(5).at("/payload/status").asText()).isEqualTo("available");
        assertThat(lines).extracting(l -> l.get("event_type").asText()).containsExactly("backup.create.start",
                "backup.createprogress", "backup.createprogress", "backup.createprogress", "backup.createprogress",
                "backup.create.end");
        assertThat(lines.subList(1, 5)).extracting(l -> l.at("/payload/backup_percent").asInt()).containsExactly(10, 20, 30, 100);
        JsonNode start = lines.getFirst();
        assertThat(start.get("publisher_id").asText()).isEqualTo("backup.h1");
        assertThat(start.get("timestamp").asText()).isEqualTo("2026-11-24 06:00:00.000000");
        assertThat(start.at("/payload/tenant_id").asText()).isEqualTo("p1");
        assertThat(start.at("/payload/display_name").asText()).isEqualTo("nightly");
        assertThat(start.at("/payload/created_at").asText()).isEqualTo("2026-11-24T05:00:00Z");
        assertThat(routingKeys).hasSize(6).containsOnly("notifications.info");
    }

    @Test
    void aFailureIsAnErrorNotificationOnEveryTopic() {
        BackupNotifier notifier = notifier("[oslo_messaging_notifications]", "driver = messagingv2", "topics = notifications, audit");
        notifier.finished(Operation.RESTORE, backupId, BackupEvents.Result.of(Outcome.ERROR, Duration.ofSeconds(1), "disk full"));
        assertThat(routingKeys).containsExactly("notifications.error", "audit.error");
        assertThat(logLines).as("no log driver").isEmpty();
    }

    @Test
    void noopSendsNothing() {
        BackupNotifier notifier = notifier("[oslo_messaging_notifications]", "driver = noop");
        notifier.started(Operation.DELETE, backupId);
        notifier.finished(Operation.DELETE, backupId, BackupEvents.Result.of(Outcome.SUCCESS, Duration.ZERO, null));
        assertThat(routingKeys).isEmpty();
        assertThat(logLines).isEmpty();
    }
}
