package io.hearth.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.db.Json;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The api serves the dashboard's files and tells the page how to sign in, without a token. What the page does is
 * tested in a browser (hearth-cli's DashboardIT).
 */
class DashboardTest {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> get(HearthServer server, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HearthServer start(String... more) throws Exception {
        List<String> lines = new java.util.ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"),
                "osapi_volume_listen_port = 0", "host = test-host"));
        lines.addAll(List.of(more));
        return HearthServer.start(HearthConfig.from(IniFile.parse(lines, "test")), c -> new FakeBackupEngine(dir.resolve("repo")));
    }

    @Test
    void servesThePageItsModulesAndTheNoauthSignIn() throws Exception {
        try (HearthServer server = start()) {
            for (String path : List.of("/dashboard", "/dashboard/")) {
                HttpResponse<String> page = get(server, path);
                assertThat(page.statusCode()).as(path).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
                assertThat(page.body()).contains("<script type=\"module\" src=\"/dashboard/js/main.js\">");
                assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'");
            }
            HttpResponse<String> script = get(server, "/dashboard/js/main.js");
            assertThat(script.statusCode()).isEqualTo(200);
            assertThat(script.headers().firstValue("Content-Type").orElse("")).contains("javascript");
            assertThat(script.headers().firstValue("Content-Security-Policy")).isPresent();

            HttpResponse<String> config = get(server, "/dashboard/config.json");
            assertThat(config.statusCode()).isEqualTo(200);
            JsonNode body = Json.MAPPER.readTree(config.body());
            assertThat(body.get("auth_strategy").asText()).isEqualTo("noauth");
            assertThat(body.get("keystone_url").isNull()).isTrue();
            assertThat(body.get("api_version").asText()).isEqualTo("3.67");

            HttpResponse<String> missing = get(server, "/dashboard/js/no-such-module.js");
            assertThat(missing.statusCode()).isEqualTo(404);

            HttpResponse<String> relay = post(server, "/dashboard/auth/tokens", "{}");
            assertThat(relay.statusCode()).isEqualTo(404);
            assertThat(Json.MAPPER.readTree(relay.body()).at("/itemNotFound/message").asText()).contains("auth_strategy = noauth");
        }
    }

    private HttpResponse<String> post(HearthServer server, String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withKeystoneThePageShowsItsAddressAndSignsInThroughTheApi() throws Exception {
        // Nothing is asked of Keystone until a request carries a token or a sign-in; none runs here (KeystoneAuthTest
        // signs in through the api against a real one).
        try (HearthServer server = start("auth_strategy = keystone", "[keystone_authtoken]", "auth_url = http://127.0.0.1:1/identity",
                "www_authenticate_uri = https://keystone.example:5000/", "username = hearth", "password = secret",
                "project_name = service")) {
            JsonNode body = Json.MAPPER.readTree(get(server, "/dashboard/config.json").body());
            assertThat(body.get("auth_strategy").asText()).isEqualTo("keystone");
            assertThat(body.get("keystone_url").asText()).isEqualTo("https://keystone.example:5000/v3");
            assertThat(get(server, "/dashboard/config.json").body()).doesNotContain("secret");

            HttpResponse<String> away = post(server, "/dashboard/auth/tokens", "{\"auth\": {}}");
            assertThat(away.statusCode()).isEqualTo(503);
            assertThat(Json.MAPPER.readTree(away.body()).at("/serviceUnavailable/message").asText())
                    .startsWith("Keystone at http://127.0.0.1:1/identity/v3/auth/tokens cannot be reached");
        }
    }
}
