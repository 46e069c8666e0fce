package io.hearth.target.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the contract does not cover: credentials, permissions, containers, auth versions, against the real Swift. */
class SwiftTargetTest {
    private static final ByteBuffer DATA = ByteBuffer.wrap("payload".getBytes(StandardCharsets.UTF_8));

    private static TargetOptions options() {
        return SwiftServer.options();
    }

    private static String container() {
        return "t-" + UUID.randomUUID();
    }

    private static BackupTarget open(String url, TargetOptions options) throws IOException {
        return BackupTargets.installed().open(url, options);
    }

    @Test
    void aMissingContainerIsCreatedOnOpen() throws IOException {
        String container = container();
        assertThat(swift("HEAD", container).statusCode()).isEqualTo(404);
        try (BackupTarget target = open("swift://" + container, options())) {
            assertThat(swift("HEAD", container).statusCode()).isEqualTo(204);
            assertThat(target.putIfAbsent("config", DATA)).isTrue();
            assertThat(swift("GET", container + "/config").body()).isEqualTo("payload");
        }
    }

    @Test
    void aContainerRemovedUnderTheTargetIsNamedInTheError() throws IOException {
        String container = container();
        try (BackupTarget target = open("swift://" + container + "/repo", options())) {
            assertThat(swift("DELETE", container).statusCode()).isEqualTo(204);
            assertThatThrownBy(() -> target.putIfAbsent("data/x", DATA)).isInstanceOf(HearthException.class)
                    .hasMessageContaining("container '" + container + "' does not exist")
                    .satisfies(e -> assertThat(((HearthException) e).category()).isEqualTo(ErrorCategory.NOT_FOUND));
            assertThatThrownBy(() -> target.list("data/")).hasMessageContaining("does not exist");
        }
    }

    @Test
    void wrongCredentialsFailOnOpenNamingTheOptionsAndNotTheKey() {
        String wrongKey = "wrong-" + UUID.randomUUID();
        assertThatThrownBy(() -> open("swift://" + container(), options().with("backup_swift_key", wrongKey)))
                .isInstanceOf(HearthException.class)
                .hasMessageContaining("refused user 'test:tester'").hasMessageContaining("backup_swift_key")
                .hasMessageNotContaining(wrongKey)
                .satisfies(e -> assertThat(((HearthException) e).category()).isEqualTo(ErrorCategory.BAD_INPUT));
    }

    @Test
    void aUserWithoutRightsOnTheAccountIsToldSoAndNothingIsCreated() throws IOException {
        String container = container();
        TargetOptions reader = options().with("backup_swift_user", "test:reader").with("backup_swift_key", "reading");
        assertThatThrownBy(() -> open("swift://" + container, reader)).isInstanceOf(HearthException.class)
                .hasMessageContaining("HTTP 403").hasMessageContaining("lacks the permission");
        assertThat(swift("HEAD", container).statusCode()).isEqualTo(404);
    }

    @Test
    void unsupportedModesAndVersionsAreRefusedWithTheOptionToChange() {
        assertThatThrownBy(() -> open("swift://c", options().with("backup_swift_auth", "per_user")))
                .hasMessageContaining("backup_swift_auth = per_user is not supported");
        assertThatThrownBy(() -> open("swift://c", options().with("backup_swift_auth_version", "2")))
                .hasMessageContaining("backup_swift_auth_version = 2 is not supported");
        assertThatThrownBy(() -> open("swift://c", options().with("backup_swift_auth_url", "ftp://x")))
                .hasMessageContaining("backup_swift_auth_url must be an http(s) URL");
        assertThatThrownBy(() -> open("swift://c", new TargetOptions(java.util.Map.of())))
                .hasMessageContaining("backup_swift_auth_url");
        assertThatThrownBy(() -> open("swift://bad%20name", options())).hasMessageContaining("container name");
    }

    @Test
    void cindersContainerOptionGivesTheLocation() {
        BackupTargets targets = BackupTargets.installed();
        assertThat(targets.locationForDriver("cinder.backup.drivers.swift.SwiftBackupDriver", options()).toString())
                .isEqualTo("swift://volumebackups");
        assertThat(targets.locationForDriver("cinder.backup.drivers.swift", options().with("backup_swift_container", "mine"))
                .toString()).isEqualTo("swift://mine");
    }

    /**
     * Keystone v3: the token request's shape, the catalog lookup by swift_catalog_info, and a new token after a 401.
     * No Keystone runs here, so a small hand-written one stands in: it checks the password request and hands out a
     * real tempauth token of the real Swift (the first one deliberately stale), with that Swift in its catalog.
     */
    @Test
    void keystoneV3TokensComeFromTheCatalogAndAreRenewedAfterA401() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        HttpServer keystone = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keystone.createContext("/v3/auth/tokens", exchange -> {
            JsonNode request = new ObjectMapper().readTree(exchange.getRequestBody());
            JsonNode user = request.at("/auth/identity/password/user");
            boolean valid = request.at("/auth/identity/methods/0").asText().equals("password")
                    && user.path("name").asText().equals("backup") && user.path("password").asText().equals("secret")
                    && user.at("/domain/name").asText().equals("Default")
                    && request.at("/auth/scope/project/name").asText().equals("service")
                    && request.at("/auth/scope/project/domain/name").asText().equals("ops");
            if (!valid) {
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            String[] session = tempAuthSession();
            String token = issued.incrementAndGet() == 1 ? "AUTH_tkstale" : session[1];
            String body = """
                    {"token": {"catalog": [
                      {"type": "identity", "name": "keystone", "endpoints": [{"interface": "public", "url": "http://127.0.0.1:1/v3"}]},
                      {"type": "object-store", "name": "swift", "endpoints": [
                        {"interface": "internal", "url": "http://127.0.0.1:1/v1/nowhere"},
                        {"interface": "public", "url": "%s"}]}]}}""".formatted(session[0]);
            exchange.getResponseHeaders().add("X-Subject-Token", token);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        keystone.start();
        try {
            TargetOptions v3 = new TargetOptions(java.util.Map.of(
                    "backup_swift_auth_url", "http://127.0.0.1:" + keystone.getAddress().getPort() + "/v3",
                    "backup_swift_auth_version", "3", "backup_swift_user", "backup", "backup_swift_key", "secret",
                    "backup_swift_project", "service", "backup_swift_project_domain", "ops"));
            String container = container();
            try (BackupTarget target = open("swift://" + container + "/k", v3)) {
                assertThat(target.putIfAbsent("index/one", DATA)).isTrue();
                try (InputStream in = target.get("index/one")) {
                    assertThat(in.readAllBytes()).asString().isEqualTo("payload");
                }
            }
            assertThat(issued.get()).as("a stale token is replaced once").isEqualTo(2);
            assertThat(swift("GET", container + "/k/index/one").body()).isEqualTo("payload");

            assertThatThrownBy(() -> open("swift://" + container, v3.with("backup_swift_key", "nope")))
                    .hasMessageContaining("Keystone at").hasMessageContaining("refused user 'backup'").hasMessageNotContaining("nope");
            assertThatThrownBy(() -> open("swift://" + container, v3.with("swift_catalog_info", "object-store:swift:adminURL")))
                    .hasMessageContaining("no admin endpoint of type object-store");
        } finally {
            keystone.stop(0);
        }
    }

    // Direct requests to Swift, as test:tester, to see what the target did.

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** The storage URL and a token of test:tester. */
    private static String[] tempAuthSession() throws IOException {
        TargetOptions options = options();
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.get("backup_swift_auth_url").orElseThrow()))
                .header("X-Auth-User", options.get("backup_swift_user").orElseThrow())
                .header("X-Auth-Key", options.get("backup_swift_key").orElseThrow()).build();
        HttpResponse<Void> response = send(request, HttpResponse.BodyHandlers.discarding());
        return new String[] {response.headers().firstValue("X-Storage-Url").orElseThrow(),
                response.headers().firstValue("X-Auth-Token").orElseThrow()};
    }

    private static HttpResponse<String> swift(String method, String path) throws IOException {
        String[] session = tempAuthSession();
        HttpRequest request = HttpRequest.newBuilder(URI.create(session[0] + "/" + path)).header("X-Auth-Token", session[1])
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return HTTP.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
