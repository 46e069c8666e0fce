package io.hearth.service.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.service.TestDatabase;
import io.hearth.service.backup.Backup;
import io.hearth.service.backup.BackupDao;
import io.hearth.service.backup.BackupStatus;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import io.hearth.service.quota.QuotaService;
import io.hearth.service.quota.Resource;
import io.hearth.service.scheduler.ServiceRecord;
import io.hearth.service.scheduler.ServiceRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What must read the same on H2, PostgreSQL and MariaDB (the run's database, {@link TestDatabase}): timestamps,
 * booleans, large JSON text, case-sensitive comparison and unique keys, and compare-and-set under concurrency.
 */
class PersistenceTest {
    @TempDir
    Path dir;

    private TestDatabase testDatabase;
    private Database database;
    private HearthConfig config;

    @BeforeEach
    void open() {
        testDatabase = TestDatabase.create();
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir, "quota_backups = 5"));
        lines.addAll(testDatabase.iniLines());
        config = HearthConfig.from(IniFile.parse(lines, "test"));
        database = Database.open(config.database());
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
        testDatabase.close();
    }

    private static Backup backup(String name, Map<String, String> metadata, Instant dataTimestamp, Instant created) {
        return new Backup(UUID.randomUUID().toString(), "demo", "user", UUID.randomUUID().toString(), null, null, name, "d",
                BackupStatus.AVAILABLE, null, 1, 3, 42L, "c", "nova", "host", "svc", metadata, null, null, "available", dataTimestamp,
                created, created, null);
    }

    @Test
    void aProcessHoldsAtMostMaxPoolSizePlusMaxOverflowConnections() {
        database.close();
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir));
        List<String> section = testDatabase.iniLines();
        lines.addAll(section.isEmpty() ? List.of("[database]") : section);
        lines.addAll(List.of("max_pool_size = 1", "max_overflow = 1"));
        HearthConfig small = HearthConfig.from(IniFile.parse(lines, "test"));
        assertThat(small.database().maxConnections()).isEqualTo(2);
        database = Database.open(small.database());
        try (var first = database.jdbi().open(); var second = database.jdbi().open()) {
            assertThat(first.createQuery("SELECT 1").mapTo(Integer.class).one()).isEqualTo(1);
            assertThat(second.createQuery("SELECT 1").mapTo(Integer.class).one()).isEqualTo(1);
            assertThatThrownBy(() -> database.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()))
                    .hasStackTraceContaining("Connection is not available");
        }
        assertThatThrownBy(() -> HearthConfig.from(IniFile.parse(List.of("[database]", "max_pool_size = 0"), "test")))
                .hasMessageContaining("max_pool_size must be between 1 and 1000");
    }

    @Test
    void timestampsKeepTheirMicrosecondsBefore1970AndAfter2038() {
        BackupDao backups = new BackupDao(database.jdbi());
        Instant landing = Instant.parse("1969-07-20T20:17:40.123456789Z");
        Instant far = Instant.parse("2100-02-28T23:59:59.999999Z");
        Backup b = backup("t", Map.of(), landing, far);
        backups.insert(b);

        Backup read = backups.find(b.id()).orElseThrow();
        assertThat(read.dataTimestamp()).isEqualTo(Instant.parse("1969-07-20T20:17:40.123456Z"));
        assertThat(read.createdAt()).isEqualTo(far);
        assertThat(read.updatedAt()).isEqualTo(far);
        assertThat(read.deletedAt()).isNull();
        assertThat(read.storedBytes()).isEqualTo(42L);
    }

    @Test
    void idsNamesAndFiltersCompareCaseSensitively() {
        BackupDao backups = new BackupDao(database.jdbi());
        Backup upper = backup("Nightly", Map.of(), Instant.EPOCH, Instant.now());
        Backup lower = backup("nightly", Map.of(), Instant.EPOCH, Instant.now());
        backups.insert(upper);
        backups.insert(lower);

        assertThat(backups.find(upper.id().toUpperCase())).isEmpty();
        assertThat(backups.list(Optional.of("demo"), Map.of("name", "Nightly"), "created_at DESC, id DESC"))
                .extracting(Backup::id).containsExactly(upper.id());
        assertThat(backups.list(Optional.of("demo"), Map.of("name", "NIGHTLY"), "created_at DESC, id DESC")).isEmpty();
        // Trailing spaces count too (MariaDB's PAD SPACE collations would ignore them).
        assertThat(backups.list(Optional.of("demo"), Map.of("name", "nightly "), "created_at DESC, id DESC")).isEmpty();
    }

    @Test
    void largeMetadataAndBooleansRoundTrip() {
        BackupDao backups = new BackupDao(database.jdbi());
        Map<String, String> metadata = new TreeMap<>();
        for (int i = 0; i < 400; i++) {
            metadata.put("key-" + i, "é".repeat(255));
        }
        Backup b = backup("big", metadata, Instant.EPOCH, Instant.now());
        backups.insert(b);
        assertThat(Json.metadata(metadata).length()).isGreaterThan(100_000);
        assertThat(backups.find(b.id()).orElseThrow().metadata()).isEqualTo(metadata);

        ServiceRegistry services = new ServiceRegistry(database.jdbi(), Duration.ofMinutes(1), Clock.systemUTC());
        services.register("host-a", "cinder-backup", "backup", "nova");
        assertThat(services.setDisabled("host-a", "cinder-backup", true, "maintenance")).isTrue();
        assertThat(services.list()).singleElement().satisfies(s -> {
            assertThat(s.disabled()).isTrue();
            assertThat(s.disabledReason()).isEqualTo("maintenance");
            assertThat(s.up()).isTrue();
        });
    }

    @Test
    void uniqueKeysAreCaseSensitiveAndRegisteringTwiceKeepsOneRow() {
        ServiceRegistry services = new ServiceRegistry(database.jdbi(), Duration.ofMinutes(1), Clock.systemUTC());
        services.register("host-a", "cinder-backup", "backup", "nova");
        services.register("host-a", "cinder-backup", "backup", "nova");
        services.register("HOST-A", "cinder-backup", "backup", "nova");
        assertThat(services.list()).extracting(ServiceRecord::host).containsExactly("host-a", "HOST-A");
        assertThatThrownBy(() -> database.jdbi().useHandle(h -> h.execute("""
                INSERT INTO services (id, host, binary_name, topic, availability_zone, disabled, created_at, updated_at)
                VALUES (9, 'host-a', 'cinder-backup', 'backup', 'nova', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""")))
                .isInstanceOf(org.jdbi.v3.core.statement.UnableToExecuteStatementException.class);
        assertThat(services.list()).hasSize(2);
    }

    @Test
    void compareAndSetHasExactlyOneWinnerUnderConcurrency() throws Exception {
        BackupDao backups = new BackupDao(database.jdbi());
        Backup b = backup("race", Map.of(), Instant.EPOCH, Instant.now());
        backups.insert(b);
        List<Boolean> results = race(8, () -> backups.compareAndSetStatus(b.id(), BackupStatus.AVAILABLE, BackupStatus.DELETING));
        assertThat(results).containsOnlyOnce(true);
        assertThat(backups.find(b.id()).orElseThrow().status()).isEqualTo(BackupStatus.DELETING);
    }

    @Test
    void concurrentQuotaReservationsNeverOvershootTheLimit() throws Exception {
        QuotaService quotas = new QuotaService(database.jdbi(), config, new Transactions(database.jdbi()));
        // The first reservations of a project also race to create its usage rows.
        List<Boolean> results = race(12, () -> {
            try {
                quotas.reserve("demo", Map.of(Resource.BACKUPS, 1L, Resource.BACKUP_GIGABYTES, 1L));
                return true;
            } catch (ServiceException e) {
                assertThat(e.kind()).isEqualTo(ErrorKind.OVER_LIMIT);
                return false;
            }
        });
        assertThat(results.stream().filter(r -> r).count()).isEqualTo(5);
        assertThat(quotas.usage("demo").get(Resource.BACKUPS).inUse()).isEqualTo(5);
        assertThat(quotas.usage("demo").get(Resource.BACKUP_GIGABYTES).inUse()).isEqualTo(5);
    }

    /** Runs the task on {@code threads} threads released at once; returns each result. */
    private static <T> List<T> race(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
