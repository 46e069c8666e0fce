package io.hearth.service.api.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile requests worth naming: bodies over the size limit, JSON nested deep enough to overflow a recursive
 * parser, path traversal in names, ids and containers, CR/LF meant to inject headers. Each gets a 4xx JSON fault, and
 * the server serves the next request as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ADMIN = Map.of("X-Auth-Token", "admin:demo", "OpenStack-API-Version", "volume 3.71",
            "Content-Type", "application/json");

    private Path dir;
    private HearthServer server;
    private RawHttp raw;
    private Http http;
    private String volume;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        this.dir = dir;
        HearthConfig config = HearthConfig.from(IniFile.parse(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"),
                "osapi_volume_listen_port = 0", "host = hostile-host", "[oslo_middleware]", "max_request_body_size = 65536"), "test"));
        server = HearthServer.start(config, c -> new FakeBackupEngine(dir.resolve("repo")));
        raw = new RawHttp(server.port(), Duration.ofSeconds(30));
        http = new Http("http://127.0.0.1:" + server.port(), "admin:demo", "3.71");
        volume = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}").body().at("/volume/id").asText();
        http.await("/v3/demo/volumes/" + volume, b -> b.at("/volume/status").asText().equals("available"), Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The fault's name and message, after checking the answer is a fault of {@code status}. */
    private static JsonNode fault(RawHttp.Response response, int status) throws IOException {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.elements().next().get("code").asInt()).isEqualTo(status);
        return body.elements().next();
    }

    private void stillServes() {
        assertThat(http.get("/v3/demo/volumes/" + volume).body().at("/volume/status").asText()).isEqualTo("available");
    }

    @Test
    void aBodyOverMaxRequestBodySizeGets413NamingTheOption() throws IOException {
        byte[] big = ("{\"volume\": {\"size\": 1, \"name\": \"" + "x".repeat(70_000) + "\"}}").getBytes(StandardCharsets.UTF_8);
        JsonNode fault = fault(raw.send("POST", "/v3/demo/volumes", ADMIN, big), 413);
        assertThat(fault.get("message").asText()).contains("65536").contains("max_request_body_size");
        // Without a Content-Length (chunked), the limit is found while reading.
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        chunked.writeBytes(("POST /v3/demo/volumes/" + volume + "/action HTTP/1.1\r\nHost: x\r\nX-Auth-Token: admin:demo\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 20; i++) {
            chunked.writeBytes(("1000\r\n" + " ".repeat(4096) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        RawHttp.Response response = raw.exchange(chunked.toByteArray());
        assertThat(response.status()).isEqualTo(413);
        assertThat(http.get("/v3/demo/volumes?name=" + "x".repeat(10)).status()).isEqualTo(200);
        stillServes();
    }

    @Test
    void deeplyNestedJsonIsRefusedWithoutOverflowingTheStack() throws IOException {
        int depth = 10_000; // at most 60 KB: under the size limit, far over any sane nesting
        List<String> bodies = List.of("[".repeat(depth), "{\"volume\": " + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}",
                "{\"os-extend\": " + "[".repeat(depth) + "]".repeat(depth) + "}", "{\"volume\": {\"metadata\": " + "[".repeat(depth) + "}}");
        for (String body : bodies) {
            String path = body.startsWith("{\"os-extend") ? "/v3/demo/volumes/" + volume + "/action" : "/v3/demo/volumes";
            fault(raw.send("POST", path, ADMIN, body.getBytes(StandardCharsets.UTF_8)), 400);
        }
        stillServes();
    }

    @Test
    void pathTraversalInNamesIdsAndContainersStaysData() throws IOException {
        for (String id : List.of("..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%2e%2e%2f%2e%2e", "%00", "..%5c..%5cx", "a%00b", "%252e%252e")) {
            for (String collection : List.of("volumes", "backups", "snapshots", "attachments")) {
                RawHttp.Response response = raw.send("GET", "/v3/demo/" + collection + "/" + id, ADMIN, null);
                assertThat(response.status()).as(collection + "/" + id).isBetween(400, 499);
                fault(response, response.status());
            }
        }
        // A name and a container are labels: stored as given, never a path.
        RawHttp.Response created = raw.send("POST", "/v3/demo/backups", ADMIN, ("{\"backup\": {\"volume_id\": \"" + volume
                + "\", \"name\": \"../../../../escape\", \"container\": \"../../../../escape\"}}").getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String backup = JSON.readTree(created.body()).at("/backup/id").asText();
        JsonNode shown = http.await("/v3/demo/backups/" + backup, b -> b.at("/backup/status").asText().equals("available"), Duration.ofSeconds(30));
        assertThat(shown.at("/backup/container").asText()).isEqualTo("../../../../escape");
        fault(raw.send("POST", "/v3/demo/volumes", ADMIN, "{\"volume\": {\"size\": 1, \"name\": \"a\\u0000b\"}}".getBytes(StandardCharsets.UTF_8)), 400);
        fault(raw.send("GET", "/v3/demo/volumes?name=a%00b", ADMIN, null), 400);
        try (Stream<Path> top = Files.list(dir)) {
            assertThat(top.map(p -> p.getFileName().toString())).containsOnly("state", "repo");
        }
        assertThat(dir.getParent().resolve("escape")).doesNotExist();
        stillServes();
    }

    @Test
    void crAndLfNeverReachTheAnswersHeaders() throws IOException {
        // Encoded in the path and the query: the value is data; whatever the status, no header comes of it.
        for (String target : List.of("/v3/demo/volumes/x%0d%0aX-Injected:%201", "/v3/demo/volumes?marker=x%0d%0aX-Injected:%201",
                "/v3/demo/volumes?sort=name%0d%0aX-Injected:%201", "/v3/demo%0d%0aX-Injected:%201/volumes")) {
            RawHttp.Response response = raw.send("GET", target, ADMIN, null);
            assertThat(response.status()).as(target).isBetween(200, 499);
            assertThat(response.headerLines()).noneMatch(line -> line.toLowerCase().startsWith("x-injected"));
        }
        // Raw CR or LF inside header values: either refused by Jetty as malformed, or split into a separate request
        // header (which the client sent, not the server); never echoed as an answer header.
        List<String> injections = List.of("volume 3.5\rX-Injected: 1", "volume 3.5\nX-Injected: 1", "volume 3.5\r\nX-Injected: 1");
        for (String value : injections) {
            for (String header : List.of("OpenStack-API-Version", "X-Auth-Token", "X-Forwarded-Host")) {
                byte[] request = ("GET /v3/demo/volumes HTTP/1.1\r\nHost: x\r\nX-Auth-Token: admin:demo\r\n" + header + ": " + value
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8);
                RawHttp.Response response = raw.exchange(request);
                assertThat(response.status()).as(header + " " + value.replace("\r", "\\r").replace("\n", "\\n")).isBetween(200, 499);
                assertThat(response.headerLines()).noneMatch(line -> line.toLowerCase().startsWith("x-injected"));
            }
        }
        // What the API does echo into headers is parsed first: the version, normalised.
        RawHttp.Response versioned = raw.send("GET", "/v3/demo/volumes", Map.of("X-Auth-Token", "admin:demo", "OpenStack-API-Version",
                "VOLUME   3.5"), null);
        assertThat(versioned.header("OpenStack-API-Version")).isEqualTo("volume 3.5");
        // A forwarded host does not reach the links (not trusted unless configured: ProxyHeadersTest).
        RawHttp.Response forwarded = raw.send("GET", "/v3/demo/volumes", Map.of("X-Auth-Token", "admin:demo",
                "X-Forwarded-Host", "evil.example/\"><script>"), null);
        assertThat(forwarded.body()).doesNotContain("evil.example").doesNotContain("<script>");
        stillServes();
    }
}
