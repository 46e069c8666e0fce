package io.hearth.service.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.service.TestDatabase;
import io.hearth.service.auth.ProjectScope;
import io.hearth.service.backup.Backup;
import io.hearth.service.backup.BackupDao;
import io.hearth.service.backup.BackupStatus;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.db.Database;
import io.hearth.service.error.ServiceException;
import io.hearth.service.message.MessageDao;
import io.hearth.service.message.UserMessages;
import io.hearth.service.rpc.InProcessBus;
import io.hearth.service.rpc.Topics;
import io.hearth.service.snapshot.SnapshotDao;
import io.hearth.service.volume.VolumeDao;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup host choice as cinder's _get_available_backup_service_host, with and without {@code backup_use_same_host}. */
class BackupPlacementTest {
    @TempDir
    Path dir;

    private TestDatabase testDatabase;
    private Database database;
    private ServiceRegistry services;

    @BeforeEach
    void open() {
        testDatabase = TestDatabase.create();
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir));
        lines.addAll(testDatabase.iniLines());
        database = Database.open(HearthConfig.from(IniFile.parse(lines, "test")).database());
        services = new ServiceRegistry(database.jdbi(), Duration.ofMinutes(1), Clock.systemUTC());
        services.register("alpha", Scheduler.BACKUP_BINARY, Topics.BACKUP, "nova");
        services.register("beta", Scheduler.BACKUP_BINARY, Topics.BACKUP, "nova");
    }

    @AfterEach
    void close() {
        database.close();
        testDatabase.close();
    }

    private Scheduler scheduler(boolean useSameHost) {
        var jdbi = database.jdbi();
        return new Scheduler(services, new BackupDao(jdbi), new VolumeDao(jdbi), new SnapshotDao(jdbi), new InProcessBus(),
                new UserMessages(new MessageDao(jdbi), new ProjectScope(), Duration.ofDays(30), Clock.systemUTC()), useSameHost);
    }

    @Test
    void withoutTheOptionAnyUpBackupHostOfTheZoneTakesTheVolume() {
        Scheduler scheduler = scheduler(false);
        assertThat(scheduler.backupHostsFor("nova", "beta")).extracting(ServiceRecord::host).containsExactlyInAnyOrder("alpha", "beta");
        assertThat(scheduler.backupHostsFor("nova", "gamma")).extracting(ServiceRecord::host).containsExactlyInAnyOrder("alpha", "beta");
        Set<String> restoredBy = new HashSet<>();
        services.setDisabled("alpha", Scheduler.BACKUP_BINARY, true, "maintenance");
        for (int i = 0; i < 20; i++) {
            restoredBy.add(scheduler.restoreHost(backupOn("alpha")));
        }
        assertThat(restoredBy).containsExactly("beta");
    }

    @Test
    void withTheOptionOnlyTheVolumesOwnHostTakesIt() {
        Scheduler scheduler = scheduler(true);
        for (int i = 0; i < 20; i++) {
            assertThat(scheduler.backupHostsFor("nova", "beta")).extracting(ServiceRecord::host).containsExactly("beta");
        }
        // A volume on a host with no backup service gets none, and the reason names the option.
        assertThat(scheduler.backupHostsFor("nova", "gamma")).isEmpty();
        assertThat(scheduler.noBackupHostReason("nova", "gamma")).contains("gamma").contains("backup_use_same_host");
        // A restore goes to the backup's own host, and fails when it is down rather than moving elsewhere.
        assertThat(scheduler.restoreHost(backupOn("alpha"))).isEqualTo("alpha");
        services.setDisabled("alpha", Scheduler.BACKUP_BINARY, true, "maintenance");
        assertThat(scheduler.backupHostsFor("nova", "alpha")).isEmpty();
        assertThatThrownBy(() -> scheduler.restoreHost(backupOn("alpha"))).isInstanceOf(ServiceException.class)
                .hasMessageContaining("on host alpha (backup_use_same_host = true)");
    }

    @Test
    void theOptionIsReadFromTheConfiguration() {
        assertThat(HearthConfig.from(IniFile.parse(List.of("[DEFAULT]", "backup_use_same_host = True"), "test")).backupUseSameHost()).isTrue();
        assertThat(HearthConfig.defaults().backupUseSameHost()).isFalse();
        assertThatThrownBy(() -> HearthConfig.from(IniFile.parse(List.of("[DEFAULT]", "backup_use_same_host = sometimes"), "test")))
                .hasMessageContaining("backup_use_same_host must be true or false");
    }

    private static Backup backupOn(String host) {
        Instant now = Instant.now();
        return new Backup("b-1", "demo", "user", "v-1", null, null, "b", null, BackupStatus.AVAILABLE, null, 1, 1, null, "c", "nova",
                host, null, Map.of(), null, null, null, now, now, now, null);
    }
}
