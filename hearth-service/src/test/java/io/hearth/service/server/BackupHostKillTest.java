package io.hearth.service.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of a backup process in the middle of a forced backup of an in-use volume: the backup ends in error with a
 * reason, the volume is in-use again, the temporary snapshot is gone, and the next backup goes to the live host.
 */
class BackupHostKillTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private TestCluster cluster;
    private Process doomed;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        cluster = new TestCluster();
        cluster.start(lines("volume-1"), EnumSet.of(Role.VOLUME), TestCluster.noEngine());
        cluster.start(lines("scheduler-1"), EnumSet.of(Role.SCHEDULER), TestCluster.noEngine());
        http = TestCluster.client(cluster.start(lines("api-1"), EnumSet.of(Role.API), TestCluster.noEngine()));
    }

    @AfterEach
    void stop() throws Exception {
        if (doomed != null) {
            doomed.destroyForcibly().waitFor();
        }
        cluster.close();
    }

    private List<String> lines(String host) {
        List<String> lines = cluster.defaults(host, dir.resolve("state"), 6);
        lines.addAll(List.of("[database]",
                // Two processes on one H2 database: the first to open it serves it to the others.
                "connection = jdbc:h2:file:" + dir.resolve("state").resolve("hearth") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0"));
        return lines;
    }

    private Process startBackupProcess(String host) throws IOException {
        Path conf = dir.resolve(host + ".conf");
        Files.write(conf, lines(host));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), BackupHostProcess.class.getName(),
                conf.toString(), dir.resolve("repo").toString()).redirectError(dir.resolve(host + ".log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("ready")) {
            // Log lines before the ready line.
        }
        assertThat(line).as("the backup process started: %s", Files.readString(dir.resolve(host + ".log"))).isEqualTo("ready");
        return process;
    }

    private String inUseVolume() {
        Http.Response created = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}");
        String volume = created.body().at("/volume/id").asText();
        http.await("/v3/demo/volumes/" + volume, b -> b.at("/volume/status").asText().equals("available"), WAIT);
        Http.Response attached = http.post("/v3/demo/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volume
                + "\", \"instance_uuid\": \"8f7c1a52-3c0e-4d5e-9a43-2f3b4c5d6e7f\", \"connector\": {\"host\": \"h\"}}}");
        assertThat(attached.status()).as(attached.body().toString()).isEqualTo(200);
        String attachment = attached.body().at("/attachment/id").asText();
        assertThat(http.post("/v3/demo/attachments/" + attachment + "/action", "{\"os-complete\": null}").status()).isEqualTo(204);
        return volume;
    }

    private String forcedBackup(String volume) {
        Http.Response created = http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\", \"force\": true}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        return created.body().at("/backup/id").asText();
    }

    private long temporarySnapshots() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("state").resolve("volumes"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("snapshot-")).count();
        }
    }

    private long temporarySnapshotsQuietly() {
        try {
            return temporarySnapshots();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aKilledBackupProcessLeavesNoBackupCreatingNoVolumeBackingUpAndNoSnapshot() throws Exception {
        doomed = startBackupProcess("doomed");
        String volume = inUseVolume();
        String backup = forcedBackup(volume);
        http.await("/v3/demo/backups/" + backup, b -> temporarySnapshotsQuietly() == 1, WAIT);
        assertThat(http.get("/v3/demo/volumes/" + volume).body().at("/volume/status").asText()).isEqualTo("backing-up");

        cluster.start(lines("survivor"), EnumSet.of(Role.BACKUP), c -> new FakeBackupEngine(dir.resolve("repo")));
        ProcessHandle.of(doomed.pid()).orElseThrow();
        new ProcessBuilder("kill", "-KILL", Long.toString(doomed.pid())).start().waitFor();
        assertThat(doomed.waitFor()).isEqualTo(137);

        JsonNode failed = http.await("/v3/demo/backups/" + backup, b -> b.at("/backup/status").asText().equals("error"), WAIT)
                .get("backup");
        assertThat(failed.get("fail_reason").asText()).isEqualTo("backup service on host doomed stopped (no heartbeat for service_down_time)");
        http.await("/v3/demo/volumes/" + volume, b -> b.at("/volume/status").asText().equals("in-use"), WAIT);
        // The snapshot goes right after the volume's status comes back.
        http.await("/v3/demo/volumes/" + volume, b -> temporarySnapshotsQuietly() == 0, WAIT);

        String next = forcedBackup(volume);
        assertThat(http.await("/v3/demo/backups/" + next, b -> !b.at("/backup/status").asText().equals("creating"), WAIT)
                .at("/backup/status").asText()).isEqualTo("available");
        http.await("/v3/demo/volumes/" + volume, b -> temporarySnapshotsQuietly() == 0, WAIT);
        assertThat(http.get("/v3/demo/volumes/" + volume).body().at("/volume/status").asText()).isEqualTo("in-use");
    }
}
