package io.hearth.service.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.service.TestDatabase;
import io.hearth.service.backup.BackupDao;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.db.Database;
import io.hearth.service.auth.ProjectScope;
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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The volume host choice over the services table of the run's database ({@link TestDatabase}): cinder's
 * AvailabilityZoneFilter, CapacityFilter (with reserved_percentage) and CapacityWeigher, ties at random.
 */
class VolumePlacementTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private TestDatabase testDatabase;
    private Database database;
    private ServiceRegistry services;
    private Scheduler scheduler;

    @BeforeEach
    void open() {
        testDatabase = TestDatabase.create();
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir));
        lines.addAll(testDatabase.iniLines());
        database = Database.open(HearthConfig.from(IniFile.parse(lines, "test")).database());
        var jdbi = database.jdbi();
        services = new ServiceRegistry(jdbi, Duration.ofMinutes(1), Clock.systemUTC());
        scheduler = new Scheduler(services, new BackupDao(jdbi), new VolumeDao(jdbi), new SnapshotDao(jdbi), new InProcessBus(),
                new UserMessages(new MessageDao(jdbi), new ProjectScope(), Duration.ofDays(30), Clock.systemUTC()), false);
    }

    @AfterEach
    void close() {
        database.close();
        testDatabase.close();
    }

    private void volumeHost(String host, String zone, long totalGib, long freeGib, int reservedPercentage) {
        services.register(host, Scheduler.VOLUME_BINARY, Topics.VOLUME, zone);
        services.heartbeat(host, Scheduler.VOLUME_BINARY, new VolumeCapacity(totalGib * GIB, freeGib * GIB, reservedPercentage));
    }

    @Test
    void theCapacityIsStoredWithTheHeartbeatAndOnlyVolumeServicesHaveOne() {
        volumeHost("v1", "nova", 100, 40, 10);
        services.register("b1", Scheduler.BACKUP_BINARY, Topics.BACKUP, "nova");
        assertThat(services.list()).extracting(ServiceRecord::host, ServiceRecord::capacity).containsExactly(
                org.assertj.core.groups.Tuple.tuple("v1", new VolumeCapacity(100 * GIB, 40 * GIB, 10)),
                org.assertj.core.groups.Tuple.tuple("b1", null));
        assertThat(new VolumeCapacity(100 * GIB, 40 * GIB, 10).usableFreeBytes()).isEqualTo(30 * GIB);
        assertThatThrownBy(() -> new VolumeCapacity(1, 1, 101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theHostWithTheMostFreeCapacityLessItsReserveWins() {
        volumeHost("roomy", "nova", 100, 60, 0);
        // More free bytes, but half of its 200 GiB is reserved: 80 - 100 leaves nothing.
        volumeHost("reserved", "nova", 200, 80, 50);
        volumeHost("small", "nova", 100, 50, 0);
        for (int i = 0; i < 20; i++) {
            assertThat(scheduler.volumeHost("nova", 10, null)).isEqualTo("roomy");
        }
        // Only "roomy" holds 55 GiB; 61 GiB fits nowhere.
        assertThat(scheduler.volumeHost("nova", 55, null)).isEqualTo("roomy");
        assertThatThrownBy(() -> scheduler.volumeHost("nova", 61, null)).isInstanceOf(NoValidBackend.class)
                .hasMessage("No valid backend was found. No weighed backends available");
        // The capacity filter is size <= free - reserve: exactly the free space fits.
        assertThat(scheduler.volumeHost("nova", 60, null)).isEqualTo("roomy");
    }

    @Test
    void tiesAreBrokenAtRandom() {
        volumeHost("a", "nova", 100, 50, 0);
        volumeHost("b", "nova", 100, 50, 0);
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 200 && chosen.size() < 2; i++) {
            chosen.add(scheduler.volumeHost("nova", 1, null));
        }
        // Each pick is a coin toss: missing one host in 200 has odds of 1 in 2^199.
        assertThat(chosen).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void onlyLiveEnabledHostsOfTheZoneThatReportedCapacityAreCandidates() {
        volumeHost("west", "west", 100, 90, 0);
        volumeHost("east", "east", 100, 10, 0);
        volumeHost("east-disabled", "east", 100, 90, 0);
        services.setDisabled("east-disabled", Scheduler.VOLUME_BINARY, true, "maintenance");
        // Its last heartbeat is an hour old: down.
        ServiceRegistry past = new ServiceRegistry(database.jdbi(), Duration.ofMinutes(1),
                Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC));
        past.register("east-down", Scheduler.VOLUME_BINARY, Topics.VOLUME, "east");
        past.heartbeat("east-down", Scheduler.VOLUME_BINARY, new VolumeCapacity(100 * GIB, 90 * GIB, 0));
        // Registered but no capacity report yet.
        services.register("east-new", Scheduler.VOLUME_BINARY, Topics.VOLUME, "east");

        assertThat(scheduler.volumeHost("east", 5, null)).isEqualTo("east");
        assertThat(scheduler.volumeHost("west", 50, null)).isEqualTo("west");
        assertThatThrownBy(() -> scheduler.volumeHost("east", 50, null)).isInstanceOf(NoValidBackend.class);
        assertThatThrownBy(() -> scheduler.volumeHost("nowhere", 1, null)).isInstanceOf(NoValidBackend.class);
        assertThat(scheduler.volumeZones("nova")).containsExactly("east", "nova", "west");
    }

    @Test
    void aCopyStaysOnItsSourceHostIfThatFits() {
        volumeHost("roomy", "nova", 100, 90, 0);
        volumeHost("source", "nova", 100, 20, 0);
        assertThat(scheduler.volumeHost("nova", 10, "source")).isEqualTo("source");
        assertThatThrownBy(() -> scheduler.volumeHost("nova", 30, "source")).isInstanceOf(NoValidBackend.class)
                .hasMessageStartingWith("No valid backend was found. Cannot place volume on source");
        // A source recorded before volume hosts were chosen names no volume service: any host may take the copy.
        assertThat(scheduler.volumeHost("nova", 30, "api-1")).isEqualTo("roomy");
    }

    @Test
    void workGoesToTheVolumeHostsOwnQueueOrToAnyVolumeServiceForAHostThatIsNone() {
        volumeHost("v1", "nova", 100, 90, 0);
        assertThat(scheduler.volumeTopic("v1")).isEqualTo("cinder-volume.v1");
        assertThat(scheduler.volumeTopic("api-1")).isEqualTo(Topics.VOLUME);
        assertThat(scheduler.volumeTopic(null)).isEqualTo(Topics.VOLUME);
    }
}
