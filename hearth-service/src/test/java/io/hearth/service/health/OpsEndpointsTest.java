package io.hearth.service.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.TestDatabase;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.db.Json;
import io.hearth.service.metrics.HearthMetrics;
import io.hearth.service.rpc.InProcessBus;
import io.hearth.service.server.HearthServer;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /healthcheck, /ready and /metrics of an in-process server, and the notifications its backups publish on the bus. */
class OpsEndpointsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private TestDatabase database;
    private HearthServer server;
    private Http http;
    private String base;
    /** Every event published on the in-process bus: routing key, then the oslo 2.0 envelope. */
    private final List<Map.Entry<String, JsonNode>> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        database = TestDatabase.create();
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"), "osapi_volume_listen_port = 0",
                "host = test-host"));
        lines.addAll(database.iniLines());
        server = HearthServer.start(HearthConfig.from(IniFile.parse(lines, "test")), c -> new FakeBackupEngine(dir.resolve("repo")));
        ((InProcessBus) server.bus()).listenToEvents((key, body) -> events.add(Map.entry(key, read(body))));
        base = "http://127.0.0.1:" + server.port();
        http = new Http(base, "admin:demo", "3.71");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static JsonNode read(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static HttpResponse<String> get(String url) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Scrapes until the exposition satisfies the condition: the counters move just after the record's status does. */
    static String awaitMetrics(String url, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = get(url).body();
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("metrics never matched; last scrape:\n" + last);
    }

    private List<String> eventTypes() {
        return events.stream().map(e -> message(e.getValue()).get("event_type").asText()).toList();
    }

    private static JsonNode message(JsonNode envelope) {
        return read(envelope.get("oslo.message").asText().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void livenessAndReadinessAnswerWithoutAToken() throws Exception {
        HttpResponse<String> health = get(base + "/healthcheck");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("OK");

        HttpResponse<String> ready = get(base + "/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("ready");
        assertThat(body.at("/checks/database").asText()).isEqualTo("OK");
        assertThat(body.at("/checks/bus").asText()).isEqualTo("OK");
    }

    @Test
    void aCheckThatFailsMakesReadiness503WithTheReason() throws Exception {
        HearthMetrics metrics = new HearthMetrics();
        OpsEndpoints endpoints = new OpsEndpoints(metrics, Map.of("database", () -> Optional.of("cannot reach the database: refused")));
        Javalin listener = endpoints.serve("127.0.0.1", 0);
        try {
            HttpResponse<String> ready = get("http://127.0.0.1:" + listener.port() + "/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode body = Json.MAPPER.readTree(ready.body());
            assertThat(body.get("status").asText()).isEqualTo("not ready");
            assertThat(body.at("/checks/database").asText()).contains("refused");
            assertThat(get("http://127.0.0.1:" + listener.port() + "/healthcheck").statusCode()).isEqualTo(200);
        } finally {
            listener.stop();
            metrics.close();
        }
    }

    @Test
    void backupsRestoresAndDeletesAreCountedAndNotified() throws Exception {
        String before = get(base + "/metrics").body();
        assertThat(get(base + "/metrics").headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(before).contains("hearth_bus_messages_in_flight").contains("hearth_backup_operations_waiting")
                .contains("hearth_backup_operations_running").doesNotContain("hearth_backup_operations_total{");

        Http.Response volume = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}");
        String volumeId = volume.body().at("/volume/id").asText();
        http.await("/v3/demo/volumes/" + volumeId, b -> b.at("/volume/status").asText().equals("available"), WAIT);
        Http.Response created = http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volumeId + "\", \"name\": \"b1\"}}");
        assertThat(created.status()).isEqualTo(202);
        String backupId = created.body().at("/backup/id").asText();
        http.await("/v3/demo/backups/" + backupId, b -> b.at("/backup/status").asText().equals("available"), WAIT);

        String scraped = awaitMetrics(base + "/metrics",
                text -> text.contains("hearth_backup_operations_total{operation=\"create\",status=\"success\"} 1.0"));
        assertThat(scraped).contains("hearth_backup_duration_seconds_bucket{operation=\"create\",status=\"success\"")
                .contains("hearth_backup_read_bytes_total{operation=\"create\"} 1.073741824E9")
                .contains("hearth_backup_throughput_bytes_per_second_count{operation=\"create\"} 1");

        http.await("/v3/demo/volumes/" + volumeId, b -> b.at("/volume/status").asText().equals("available"), WAIT);
        Http.Response restore = http.post("/v3/demo/backups/" + backupId + "/restore", "{\"restore\": {\"volume_id\": \"" + volumeId + "\"}}");
        assertThat(restore.status()).as(restore.body().toString()).isEqualTo(202);
        awaitMetrics(base + "/metrics", text -> text.contains("hearth_backup_operations_total{operation=\"restore\",status=\"success\"} 1.0"));
        http.await("/v3/demo/backups/" + backupId, b -> b.at("/backup/status").asText().equals("available"), WAIT);
        assertThat(http.delete("/v3/demo/backups/" + backupId).status()).isEqualTo(202);
        awaitMetrics(base + "/metrics", text -> text.contains("hearth_backup_operations_total{operation=\"delete\",status=\"success\"} 1.0"));

        assertThat(eventTypes()).containsExactly("backup.create.start", "backup.createprogress", "backup.create.end",
                "backup.restore.start", "backup.restore.end", "backup.delete.start", "backup.delete.end");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getKey()).isEqualTo("notifications.info");
            assertThat(e.getValue().get("oslo.version").asText()).isEqualTo("2.0");
        });
        JsonNode end = message(events.get(2).getValue());
        assertThat(end.get("publisher_id").asText()).isEqualTo("backup.test-host");
        assertThat(end.get("priority").asText()).isEqualTo("INFO");
        assertThat(end.get("message_id").asText()).hasSize(36);
        assertThat(end.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
        JsonNode payload = end.get("payload");
        assertThat(payload.get("backup_id").asText()).isEqualTo(backupId);
        assertThat(payload.get("tenant_id").asText()).isEqualTo("demo");
        assertThat(payload.get("volume_id").asText()).isEqualTo(volumeId);
        assertThat(payload.get("display_name").asText()).isEqualTo("b1");
        assertThat(payload.get("status").asText()).isEqualTo("available");
        assertThat(payload.get("size").asInt()).isEqualTo(1);
        assertThat(payload.has("fail_reason")).isTrue();
        assertThat(payload.get("num_dependent_backups").asInt()).isZero();
        assertThat(message(events.get(1).getValue()).at("/payload/backup_percent").asInt()).isEqualTo(100);
    }
}
