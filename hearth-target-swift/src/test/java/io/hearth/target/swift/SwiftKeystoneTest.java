package io.hearth.target.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Keystone v3 against a real Keystone and Swift's real keystoneauth (scripts/targets/swift.sh's Keystone proxy):
 * the token, the catalog lookup by swift_catalog_info, a revoked token replaced mid-use, refused passwords and roles.
 */
class SwiftKeystoneTest {
    private static final ByteBuffer DATA = ByteBuffer.wrap("payload".getBytes(StandardCharsets.UTF_8));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static TargetOptions options() {
        return SwiftServer.keystoneOptions();
    }

    private static String container() {
        return "k-" + UUID.randomUUID();
    }

    private static BackupTarget open(String url, TargetOptions options) throws IOException {
        return BackupTargets.installed().open(url, options);
    }

    @Test
    void theTargetStoresInTheProjectsAccountFromTheCatalog() throws IOException {
        String container = container();
        try (BackupTarget target = open("swift://" + container + "/k", options())) {
            assertThat(target.putIfAbsent("index/one", DATA)).isTrue();
            try (InputStream in = target.get("index/one")) {
                assertThat(in.readAllBytes()).asString().isEqualTo("payload");
            }
        }
        Session session = Session.of(options());
        assertThat(session.storageUrl()).endsWith("/v1/AUTH_" + session.projectId());
        assertThat(session.swift("GET", container + "/k/index/one").body()).isEqualTo("payload");
    }

    @Test
    void theInternalEndpointServesToo_andAMissingInterfaceIsNamed() throws IOException {
        String container = container();
        try (BackupTarget target = open("swift://" + container, options().with("swift_catalog_info", "object-store:swift:internalURL"))) {
            assertThat(target.putIfAbsent("config", DATA)).isTrue();
        }
        assertThatThrownBy(() -> open("swift://" + container, options().with("swift_catalog_info", "object-store:swift:adminURL")))
                .isInstanceOf(HearthException.class).hasMessageContaining("no admin endpoint of type object-store named swift")
                .hasMessageContaining("swift_catalog_info");
    }

    /**
     * Keystone revokes every token of a user whose password changes. The test changes the password and back under an
     * open target: the target's next request meets a 401 and goes on with a new token, without failing.
     */
    @Test
    void aRevokedTokenIsReplacedAndTheWorkGoesOn() throws Exception {
        String container = container();
        TargetOptions options = options();
        try (BackupTarget target = open("swift://" + container + "/k", options)) {
            assertThat(target.putIfAbsent("data/before", DATA)).isTrue();
            Session before = Session.of(options);
            assertThat(before.swift("HEAD", container).statusCode()).isEqualTo(204);

            String password = options.get("backup_swift_key").orElseThrow();
            String temporary = "t-" + UUID.randomUUID();
            before.changePassword(password, temporary);
            Session.of(options.with("backup_swift_key", temporary)).changePassword(temporary, password);
            assertThat(before.swift("HEAD", container).statusCode()).as("the token from before the change is revoked").isEqualTo(401);
            // Keystone's revocation events have one-second resolution: a token issued in the second of the change is
            // refused too. Wait until a new token is accepted, so that the target's renewal can succeed.
            Instant deadline = Instant.now().plusSeconds(30);
            while (Session.of(options).swift("HEAD", container).statusCode() == 401) {
                assertThat(Instant.now()).as("a new token is accepted again").isBefore(deadline);
                Thread.sleep(100);
            }

            assertThat(target.putIfAbsent("data/after", DATA)).isTrue();
            try (InputStream in = target.get("data/before")) {
                assertThat(in.readAllBytes()).asString().isEqualTo("payload");
            }
        }
        assertThat(Session.of(options).swift("GET", container + "/k/data/after").body()).isEqualTo("payload");
    }

    @Test
    void aWrongPasswordIsRefusedByKeystoneNamingTheUserAndTheOptionsNotTheKey() {
        String wrong = "wrong-" + UUID.randomUUID();
        assertThatThrownBy(() -> open("swift://" + container(), options().with("backup_swift_key", wrong)))
                .isInstanceOf(HearthException.class)
                .hasMessageContaining("Keystone at").hasMessageContaining("refused user 'backup'")
                .hasMessageContaining("backup_swift_key").hasMessageNotContaining(wrong)
                .satisfies(e -> assertThat(((HearthException) e).category()).isEqualTo(ErrorCategory.BAD_INPUT));
        assertThatThrownBy(() -> open("swift://" + container(), options().with("backup_swift_project", "no-such-project")))
                .hasMessageContaining("for project 'no-such-project'");
    }

    @Test
    void aReaderOfTheProjectMayNotCreateTheContainerAndNothingIsCreated() throws IOException {
        String container = container();
        TargetOptions reader = options().with("backup_swift_user", "backup-reader").with("backup_swift_key", "backup-reader-secret");
        assertThatThrownBy(() -> open("swift://" + container, reader)).isInstanceOf(HearthException.class)
                .hasMessageContaining("HTTP 403").hasMessageContaining("lacks the permission");
        assertThat(Session.of(options()).swift("HEAD", container).statusCode()).isEqualTo(404);
    }

    /** A Keystone token of the test's own, with the storage URL its catalog gives. */
    private record Session(String keystoneUrl, String token, String userId, String projectId, String storageUrl) {
        static Session of(TargetOptions options) throws IOException {
            String keystoneUrl = options.get("backup_swift_auth_url").orElseThrow();
            String body = """
                    {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "%s",
                      "domain": {"name": "Default"}, "password": "%s"}}},
                      "scope": {"project": {"name": "%s", "domain": {"name": "Default"}}}}}""".formatted(
                    options.get("backup_swift_user").orElseThrow(), options.get("backup_swift_key").orElseThrow(),
                    options.get("backup_swift_project").orElseThrow());
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(keystoneUrl + "/auth/tokens"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(response.statusCode()).as("Keystone's answer: %s", response.body()).isEqualTo(201);
            JsonNode token = JSON.readTree(response.body()).path("token");
            String storageUrl = null;
            for (JsonNode service : token.path("catalog")) {
                if (service.path("type").asText().equals("object-store")) {
                    for (JsonNode endpoint : service.path("endpoints")) {
                        if (endpoint.path("interface").asText().equals("public")) {
                            storageUrl = endpoint.path("url").asText();
                        }
                    }
                }
            }
            assertThat(storageUrl).as("Swift's public endpoint in the catalog").isNotNull();
            return new Session(keystoneUrl, response.headers().firstValue("X-Subject-Token").orElseThrow(),
                    token.at("/user/id").asText(), token.at("/project/id").asText(), storageUrl);
        }

        HttpResponse<String> swift(String method, String path) throws IOException {
            return send(HttpRequest.newBuilder(URI.create(storageUrl + "/" + path)).header("X-Auth-Token", token)
                    .method(method, HttpRequest.BodyPublishers.noBody()).build());
        }

        /** Keystone's self-service password change, which revokes the user's tokens. */
        void changePassword(String from, String to) throws IOException {
            String body = """
                    {"user": {"password": "%s", "original_password": "%s"}}""".formatted(to, from);
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(keystoneUrl + "/users/" + userId + "/password"))
                    .header("Content-Type", "application/json").header("X-Auth-Token", token)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(response.statusCode()).as("password change: %s", response.body()).isEqualTo(204);
        }

        private static HttpResponse<String> send(HttpRequest request) throws IOException {
            try {
                return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }
}
