package io.hearth.target.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the contract does not cover: credentials, permissions, containers, auth versions, against the real Swift (tempauth; Keystone: SwiftKeystoneTest). */
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
