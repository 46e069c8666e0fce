package io.hearth.service.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.engine.HearthException;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.backup.BackupMessage;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.db.Json;
import io.hearth.service.rpc.AmqpBus;
import io.hearth.service.rpc.MessageCodec;
import io.hearth.service.rpc.Topics;
import io.hearth.service.volume.VolumeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roles as separate servers over the real RabbitMQ: one api, one scheduler, one volume and the backup services
 * each test starts, each with its own host name, sharing the database and the volumes directory (one machine, as
 * documented).
 */
class DistributedTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private TestCluster cluster;
    private final Map<String, FakeBackupEngine> engines = new java.util.HashMap<>();
    private final Map<String, HearthServer> backupHosts = new java.util.HashMap<>();
    private Http http;

    @BeforeEach
    void start() throws Exception {
        cluster = new TestCluster();
        start("volume-1", EnumSet.of(Role.VOLUME));
        start("scheduler-1", EnumSet.of(Role.SCHEDULER));
        http = TestCluster.client(start("api-1", EnumSet.of(Role.API)));
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    /** Options every process of a test gets besides the common ones. */
    private final List<String> extraOptions = new ArrayList<>();

    private List<String> lines(String host) {
        List<String> lines = cluster.defaults(host, dir.resolve("state"), 10);
        lines.addAll(List.of("backup_max_operations = 2", "quota_backups = 100", "quota_volumes = 100", "quota_backup_gigabytes = 1000"));
        lines.addAll(extraOptions);
        return lines;
    }

    private HearthServer start(String host, EnumSet<Role> roles) throws Exception {
        return cluster.start(lines(host), roles, TestCluster.noEngine());
    }

    private void startBackupHost(String host) throws Exception {
        FakeBackupEngine engine = new FakeBackupEngine(dir.resolve("repo"));
        HearthServer server = cluster.start(lines(host), EnumSet.of(Role.BACKUP), c -> engine);
        engines.put(host, engine);
        backupHosts.put(host, server);
    }

    private String createVolume() {
        Http.Response created = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        String id = created.body().at("/volume/id").asText();
        http.await("/v3/demo/volumes/" + id, b -> b.at("/volume/status").asText().equals("available"), WAIT);
        return id;
    }

    private String createBackup(String volumeId) {
        Http.Response created = http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volumeId + "\"}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        return created.body().at("/backup/id").asText();
    }

    private JsonNode awaitBackupDone(String id) {
        return http.await("/v3/demo/backups/" + id, b -> !b.at("/backup/status").asText().equals("creating"), WAIT).get("backup");
    }

    private List<String> services(String state) {
        JsonNode list = http.get("/v3/demo/os-services").body().get("services");
        return StreamSupport.stream(list.spliterator(), false).filter(s -> s.get("state").asText().equals(state))
                .map(s -> s.get("binary").asText() + "@" + s.get("host").asText()).sorted().toList();
    }

    private void startBackupHosts() throws Exception {
        startBackupHost("backup-a");
        startBackupHost("backup-b");
    }

    @Test
    void backupsAndRestoresRunOnTheBackupHostsAndOsServicesListsEveryRole() throws Exception {
        startBackupHosts();
        assertThat(services("up")).containsExactly("cinder-backup@backup-a", "cinder-backup@backup-b", "cinder-scheduler@scheduler-1",
                "cinder-volume@volume-1");
        List<String> volumes = List.of(createVolume(), createVolume(), createVolume());
        List<String> backups = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            List<String> started = volumes.stream().map(this::createBackup).toList();
            for (String id : started) {
                assertThat(awaitBackupDone(id).get("status").asText()).isEqualTo("available");
            }
            // The volumes have their status back before their backups are available: the next round starts at once.
            backups.addAll(started);
        }
        // 12 backups, each host picked at random: both hosts worked (a miss has odds of 1 in 2048).
        assertThat(engines.get("backup-a").totalRuns() + engines.get("backup-b").totalRuns()).isEqualTo(12);
        assertThat(engines.get("backup-a").totalRuns()).isPositive();
        assertThat(engines.get("backup-b").totalRuns()).isPositive();

        Http.Response restore = http.post("/v3/demo/backups/" + backups.getFirst() + "/restore", "{\"restore\": {\"name\": \"r\"}}");
        assertThat(restore.status()).as(restore.body().toString()).isEqualTo(202);
        String target = restore.body().at("/restore/volume_id").asText();
        // The volume is updated first, as in cinder: once the backup is available again, the restored volume is too.
        http.await("/v3/demo/backups/" + backups.getFirst(), b -> b.at("/backup/status").asText().equals("available"), WAIT);
        assertThat(http.get("/v3/demo/volumes/" + target).body().at("/volume/status").asText()).isEqualTo("available");
    }

    @Test
    void aDuplicateCreateMessageDoesNotRunTheBackupTwice() throws Exception {
        startBackupHosts();
        String volume = createVolume();
        engines.values().forEach(FakeBackupEngine::hold);
        String backup = createBackup(volume);
        String host = http.await("/v3/demo/backups/" + backup, b -> engines.values().stream().anyMatch(e -> e.runs(backup) == 1), WAIT) != null
                ? engines.entrySet().stream().filter(e -> e.getValue().runs(backup) == 1).findFirst().orElseThrow().getKey() : null;

        // As if the first delivery's acknowledgement had been lost: the same request arrives again, on its host and on the topic.
        AmqpBus wire = cluster.broker().bus(new MessageCodec(Json.MAPPER, List.of(BackupMessage.class, VolumeMessage.class)), "duplicate");
        wire.cast(Topics.onHost(Topics.BACKUP, host), new BackupMessage.CreateBackup(backup, null));
        wire.cast(Topics.BACKUP, new BackupMessage.CreateBackup(backup, null));
        wire.cast(Topics.SCHEDULER, new BackupMessage.ScheduleBackup(backup, null));
        engines.values().forEach(FakeBackupEngine::release);

        assertThat(awaitBackupDone(backup).get("status").asText()).isEqualTo("available");
        http.await("/v3/demo/volumes/" + volume, b -> b.at("/volume/status").asText().equals("available"), WAIT);
        // The duplicates were handled (the queues are empty) and did nothing.
        http.await("/v3/demo/backups/" + backup, b -> messagesLeft() == 0, WAIT);
        assertThat(engines.get("backup-a").runs(backup) + engines.get("backup-b").runs(backup)).isEqualTo(1);
        assertThat(http.get("/v3/demo/backups/" + backup).body().at("/backup/status").asText()).isEqualTo("available");
    }

    private long messagesLeft() {
        try {
            long left = 0;
            List<String> topics = new ArrayList<>(List.of(Topics.BACKUP, Topics.SCHEDULER));
            backupHosts.keySet().forEach(host -> topics.add(Topics.onHost(Topics.BACKUP, host)));
            for (String topic : topics) {
                left += cluster.broker().messagesIn(topic);
            }
            return left;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aStoppedBackupHostGoesDownAndNewBackupsGoToTheLiveOne() throws Exception {
        startBackupHosts();
        cluster.stop(backupHosts.get("backup-b"));
        http.await("/v3/demo/os-services", b -> services("down").equals(List.of("cinder-backup@backup-b")), WAIT);
        int before = engines.get("backup-b").totalRuns();

        String volume = createVolume();
        for (int i = 0; i < 4; i++) {
            assertThat(awaitBackupDone(createBackup(volume)).get("status").asText()).isEqualTo("available");
        }
        assertThat(engines.get("backup-a").totalRuns()).isEqualTo(4);
        assertThat(engines.get("backup-b").totalRuns()).isEqualTo(before);
    }

    @Test
    void aBackupThatOutlivesTheConsumerTimeoutRunsOnceAndItsHostKeepsWorking() throws Exception {
        Duration consumerTimeout = Duration.ofSeconds(2);
        cluster.broker().withConsumerTimeout(consumerTimeout, () -> {
            try {
                startBackupHost("backup-a");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        FakeBackupEngine engine = engines.get("backup-a");
        String volume = createVolume();
        engine.hold();
        String backup = createBackup(volume);
        http.await("/v3/demo/backups/" + backup, b -> engine.runs(backup) == 1, WAIT);
        // Nothing to await: the broker's timeout has to pass (checked every 200 ms) while the backup runs.
        Thread.sleep(consumerTimeout.multipliedBy(2));
        engine.release();

        assertThat(awaitBackupDone(backup).get("status").asText()).isEqualTo("available");
        assertThat(engine.runs(backup)).isEqualTo(1);
        // The host's queue still has its consumer (a timed-out delivery closes the channel), and nothing came back.
        http.await("/v3/demo/volumes/" + volume, b -> b.at("/volume/status").asText().equals("available"), WAIT);
        assertThat(awaitBackupDone(createBackup(volume)).get("status").asText()).isEqualTo("available");
        http.await("/v3/demo/backups/" + backup, b -> messagesLeft() == 0, WAIT);
        assertThat(engine.runs(backup)).isEqualTo(1);
    }

    @Test
    void aStoppedHostsBackupThatItNeverTookIsDoneByALiveHostAndOnlyThere() throws Exception {
        startBackupHost("backup-b");
        cluster.stop(backupHosts.get("backup-b"));
        String volume = createVolume();
        // backup-b is still up (its last heartbeat is recent): the backup goes to its queue, where nobody takes it.
        String backup = createBackup(volume);
        startBackupHost("backup-a");

        // Once backup-b is down, backup-a takes the backup over instead of failing it.
        assertThat(awaitBackupDone(backup).get("status").asText()).isEqualTo("available");
        assertThat(engines.get("backup-a").runs(backup)).isEqualTo(1);
        assertThat(engines.get("backup-b").runs(backup)).isZero();

        // backup-b comes back to the old message in its queue: the row names backup-a, so it does nothing.
        startBackupHost("backup-b");
        http.await("/v3/demo/backups/" + backup, b -> messagesLeft() == 0, WAIT);
        assertThat(engines.get("backup-b").runs(backup)).isZero();
        assertThat(http.get("/v3/demo/backups/" + backup).body().at("/backup/status").asText()).isEqualTo("available");
    }

    @Test
    void withBackupUseSameHostAStoppedHostsWorkWaitsForItInsteadOfMovingToAnother() throws Exception {
        // Every process with the option: the api and scheduler started before the test are replaced.
        cluster.stopAll();
        extraOptions.add("backup_use_same_host = true");
        start("volume-1", EnumSet.of(Role.VOLUME));
        start("scheduler-1", EnumSet.of(Role.SCHEDULER));
        http = TestCluster.client(start("api-1", EnumSet.of(Role.API)));

        // The backup service on the volume's own host, stopped while its heartbeat is still recent.
        startBackupHost("volume-1");
        cluster.stop(backupHosts.get("volume-1"));
        String volume = createVolume();
        String backup = createBackup(volume);
        startBackupHost("backup-a");

        // Once volume-1's backup service is seen down, backup-a, live in the same zone, still does not take the work.
        http.await("/v3/demo/os-services", b -> services("down").contains("cinder-backup@volume-1"), WAIT);
        Http.Response refused = http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + createVolume() + "\"}}");
        assertThat(refused.status()).as("no backup service on the volume's host: " + refused.body()).isEqualTo(503);
        assertThat(refused.body().toString()).contains("backup_use_same_host");
        // Without the option backup-a takes such work over within a few report intervals (the test above); with it,
        // the backup stays where it is for that long and longer. Absence can only be watched for a while.
        long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        while (System.nanoTime() < until) {
            assertThat(http.get("/v3/demo/backups/" + backup).body().at("/backup/status").asText()).isEqualTo("creating");
            Thread.sleep(200);
        }
        assertThat(engines.get("backup-a").runs(backup)).isZero();

        // Its own host back: it takes the backup from its queue, once.
        startBackupHost("volume-1");
        JsonNode done = awaitBackupDone(backup);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("available");
        assertThat(engines.get("volume-1").runs(backup)).isEqualTo(1);
        assertThat(engines.get("backup-a").runs(backup)).isZero();
    }

    @Test
    void aRoleAloneWithoutABrokerIsRefused() {
        HearthConfig local = HearthConfig.from(IniFile.parse(List.of("[DEFAULT]", "state_path = " + dir.resolve("alone"), "host = x"), "test"));
        assertThatThrownBy(() -> HearthServer.start(local, EnumSet.of(Role.BACKUP), c -> new FakeBackupEngine(dir.resolve("r"))))
                .isInstanceOf(HearthException.class).hasMessageContaining("needs transport_url");
    }
}
