package io.hearth.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.service.FakeBackupEngine;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Links follow a proxy's forwarding headers only when {@code [oslo_middleware] enable_proxy_headers_parsing} says so. */
class ProxyHeadersTest {
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void forwardingHeadersAreIgnoredByDefault(@TempDir Path dir) throws Exception {
        try (HearthServer server = start(dir, List.of())) {
            String body = versions(server, "X-Forwarded-Host", "evil.example:8776", "X-Forwarded-Proto", "https");
            assertThat(body).contains("http://127.0.0.1:" + server.port() + "/v3/").doesNotContain("evil.example").doesNotContain("https://127");
            assertThat(versions(server, "Forwarded", "for=192.0.2.1;proto=https;host=evil.example")).doesNotContain("evil.example");
        }
    }

    @Test
    void aTrustedProxyNamesSchemeAndHost(@TempDir Path dir) throws Exception {
        try (HearthServer server = start(dir, List.of("[oslo_middleware]", "enable_proxy_headers_parsing = true"))) {
            // The first value is the one the proxy nearest the client wrote.
            assertThat(versions(server, "X-Forwarded-Host", "api.example:8776, internal:1", "X-Forwarded-Proto", "https"))
                    .contains("https://api.example:8776/v3/");
            assertThat(versions(server, "Forwarded", "for=192.0.2.1;proto=https;host=\"api.example\", for=10.0.0.1"))
                    .contains("https://api.example/v3/");
            // What is not a host[:port], or not http/https, does not reach the links.
            String hostile = versions(server, "X-Forwarded-Host", "evil.example/\"><script>", "X-Forwarded-Proto", "javascript");
            assertThat(hostile).contains("http://127.0.0.1:" + server.port() + "/v3/").doesNotContain("evil.example")
                    .doesNotContain("javascript");
        }
    }

    @Test
    void aBadValueStopsTheStart(@TempDir Path dir) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HearthConfig.from(IniFile.parse(List.of("[oslo_middleware]",
                "enable_proxy_headers_parsing = maybe"), "test"))).hasMessageContaining("enable_proxy_headers_parsing must be true or false");
    }

    private static HearthServer start(Path dir, List<String> extra) throws java.io.IOException {
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"), "osapi_volume_listen_port = 0",
                "host = proxy-host"));
        lines.addAll(extra);
        return HearthServer.start(HearthConfig.from(IniFile.parse(lines, "test")), c -> new FakeBackupEngine(dir.resolve("repo")));
    }

    private String versions(HearthServer server, String... headers) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .headers(headers).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(300);
        return response.body();
    }
}
