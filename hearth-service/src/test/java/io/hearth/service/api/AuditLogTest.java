package io.hearth.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log: one JSON line per mutating call, whatever its outcome, and none for reads. */
class AuditLogTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private HearthServer server;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        HearthConfig config = HearthConfig.from(IniFile.parse(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"),
                "osapi_volume_listen_port = 0", "host = test-host"), "test"));
        server = HearthServer.start(config, c -> new FakeBackupEngine(dir.resolve("repo")), new AuditLog(lines::add));
        http = new Http("http://127.0.0.1:" + server.port(), "alice:demo:member", "3.71");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The line of the {@code n}th mutating call, once the server has written it (after the response). */
    private JsonNode line(int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (lines.size() <= n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(lines).as("audit lines").hasSizeGreaterThan(n);
        String line = lines.get(n);
        assertThat(line).doesNotContain("\n");
        return MAPPER.readTree(line);
    }

    @Test
    void recordsWhoWhatAndTheResultOfEveryMutatingCall() throws Exception {
        Instant before = Instant.now();
        Http.Response created = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}");
        assertThat(created.status()).isEqualTo(202);
        JsonNode first = line(0);
        assertThat(first.get("user_id").asText()).isEqualTo("alice");
        assertThat(first.get("project_id").asText()).isEqualTo("demo");
        assertThat(first.get("method").asText()).isEqualTo("POST");
        assertThat(first.get("path").asText()).isEqualTo("/v3/demo/volumes");
        assertThat(first.get("status").asInt()).isEqualTo(202);
        assertThat(Instant.parse(first.get("time").asText())).isAfterOrEqualTo(before.minusSeconds(1));

        assertThat(http.get("/v3/demo/volumes").status()).isEqualTo(200);
        assertThat(http.as("rita:demo:reader").delete("/v3/demo/volumes/" + created.body().at("/volume/id").asText()).status())
                .isEqualTo(403);
        JsonNode refused = line(1);
        assertThat(refused.get("user_id").asText()).isEqualTo("rita");
        assertThat(refused.get("method").asText()).isEqualTo("DELETE");
        assertThat(refused.get("status").asInt()).as("the read left no line").isEqualTo(403);

        assertThat(http.post("/v3/demo/backups", "{\"backup\": ").status()).isEqualTo(400);
        assertThat(line(2).get("status").asInt()).isEqualTo(400);
        assertThat(lines).hasSize(3);
    }

    @Test
    void recordsRefusedTokensAndHostilePathsAsDataNotAsLines() throws Exception {
        assertThat(http.as(null).post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}").status()).isEqualTo(401);
        JsonNode anonymous = line(0);
        assertThat(anonymous.get("user_id").isNull()).isTrue();
        assertThat(anonymous.get("project_id").isNull()).isTrue();
        assertThat(anonymous.get("status").asInt()).isEqualTo(401);

        String hostile = "/v3/demo/volumes/x%0A%7B%22user_id%22:%22root%22%7D%22";
        assertThat(http.delete(hostile).status()).isEqualTo(404);
        JsonNode forged = line(1);
        assertThat(forged.get("user_id").asText()).isEqualTo("alice");
        assertThat(forged.get("path").asText()).contains("user_id");
        assertThat(http.put("/v3/demo/no-such-thing", "{}").status()).isEqualTo(404);
        assertThat(line(2).get("path").asText()).isEqualTo("/v3/demo/no-such-thing");
        assertThat(lines).hasSize(3);
    }
}
