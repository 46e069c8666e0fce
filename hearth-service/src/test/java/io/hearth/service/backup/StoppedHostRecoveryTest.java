package io.hearth.service.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.service.FakeBackupEngine;
import io.hearth.service.TestDatabase;
import io.hearth.service.auth.ProjectScope;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.db.Database;
import io.hearth.service.db.Transactions;
import io.hearth.service.message.MessageDao;
import io.hearth.service.message.UserMessages;
import io.hearth.service.quota.QuotaService;
import io.hearth.service.rpc.InProcessBus;
import io.hearth.service.rpc.Topics;
import io.hearth.service.scheduler.ServiceRegistry;
import io.hearth.service.snapshot.SnapshotDao;
import io.hearth.service.volume.VolumeDao;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live backup host ending the work of stopped ones ({@link BackupManager#recoverStoppedHosts}) acts on a list of
 * down hosts read a moment before: a host that came back since, and took work from its queue, keeps that work.
 */
class StoppedHostRecoveryTest {
    private static final Duration DOWN_TIME = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private TestDatabase testDatabase;
    private Database database;
    private BackupDao backups;
    private InProcessBus bus;
    private final List<Record> volumeMessages = new CopyOnWriteArrayList<>();
    private BackupManager live;

    @BeforeEach
    void open() {
        testDatabase = TestDatabase.create();
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir, "host = live",
                "service_down_time = " + DOWN_TIME.toSeconds()));
        lines.addAll(testDatabase.iniLines());
        HearthConfig config = HearthConfig.from(IniFile.parse(lines, "test"));
        database = Database.open(config.database());
        var jdbi = database.jdbi();
        backups = new BackupDao(jdbi);
        bus = new InProcessBus();
        // The volume service: ending a backup's device export and the like are asked of it.
        bus.subscribe(Topics.VOLUME, message -> {
            volumeMessages.add(message);
            return true;
        });
        Transactions transactions = new Transactions(jdbi);
        live = new BackupManager(backups, new VolumeDao(jdbi), new SnapshotDao(jdbi), new QuotaService(jdbi, config, transactions),
                new FakeBackupEngine(dir.resolve("repo")), bus, config, new BackupProgress(), transactions, BackupEvents.NONE,
                new UserMessages(new MessageDao(jdbi), new ProjectScope(), Duration.ofDays(30), Clock.systemUTC()), host -> Topics.VOLUME);
    }

    @AfterEach
    void close() {
        bus.close();
        database.close();
        testDatabase.close();
    }

    /** A create that {@code host} has taken (and is working on, as far as the row tells). */
    private String takenBy(String host) {
        Instant now = Instant.now();
        Backup backup = new Backup(UUID.randomUUID().toString(), "demo", "user", UUID.randomUUID().toString(), null, null, "b", null,
                BackupStatus.CREATING, null, 1, 0, null, null, "nova", host, null, Map.of(), null, null, null, now, now, now, null);
        backups.insert(backup);
        assertThat(backups.startWork(backup.id(), BackupStatus.CREATING, host)).isTrue();
        return backup.id();
    }

    /** {@code host}'s backup service, its last heartbeat {@code ago}. */
    private void lastBeat(String host, Duration ago) {
        new ServiceRegistry(database.jdbi(), DOWN_TIME, Clock.offset(Clock.systemUTC(), ago.negated()))
                .register(host, Topics.BACKUP, Topics.BACKUP, "nova");
    }

    @Test
    void aHostThatCameBackKeepsTheWorkItTookWhileItsPeerStillSawItDown() {
        lastBeat("back", DOWN_TIME.multipliedBy(2));
        List<String> seenDown = List.of("back");
        // Meanwhile the host restarts: it beats, then takes the create waiting in its queue.
        lastBeat("back", Duration.ZERO);
        String backup = takenBy("back");

        live.recoverStoppedHosts(seenDown);

        assertThat(backups.find(backup).orElseThrow().status()).isEqualTo(BackupStatus.CREATING);
        // Nor is the backup's device export ended under it.
        assertThat(volumeMessages).isEmpty();
    }

    @Test
    void aHostStillDownHasTheWorkItTookFailed() {
        lastBeat("gone", DOWN_TIME.multipliedBy(2));
        String backup = takenBy("gone");

        live.recoverStoppedHosts(List.of("gone"));

        Backup failed = backups.find(backup).orElseThrow();
        assertThat(failed.status()).isEqualTo(BackupStatus.ERROR);
        assertThat(failed.failReason()).isEqualTo("backup service on host gone stopped (no heartbeat for service_down_time)");
        assertThat(volumeMessages).isNotEmpty();
    }
}
