package io.hearth.service.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.HearthException;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over HTTPS from {@code [ssl]} PEM files: a test CA made by tests/tls/make-ca.sh (openssl), clients that trust
 * it, and every way the files can be wrong stopping the start with the option's name.
 */
class ApiTlsTest {
    private static final Path MAKE_CA = Path.of("..", "tests", "tls", "make-ca.sh").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCa() throws Exception {
        Process process = new ProcessBuilder("bash", MAKE_CA.toString(), ca.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }

    private HearthConfig config(String... ssl) {
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"), "osapi_volume_listen_port = 0",
                "host = tls-host", "[ssl]"));
        lines.addAll(List.of(ssl));
        return HearthConfig.from(IniFile.parse(lines, "test"));
    }

    private HearthServer start(String... ssl) throws IOException {
        return HearthServer.start(config(ssl), c -> new FakeBackupEngine(dir.resolve("repo")));
    }

    private static String file(String name) {
        return ca.resolve(name).toString();
    }

    /** A client trusting the test CA, presenting {@code clientCert} when given. */
    private static HttpClient client(String clientCert, String clientKey) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(PemFiles.trustStore("ca", ca.resolve("ca.pem")));
        KeyManagerFactory keys = null;
        if (clientCert != null) {
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            own.setKeyEntry("me", PemFiles.privateKey("key", ca.resolve(clientKey)), "pw".toCharArray(),
                    PemFiles.certificates("cert", ca.resolve(clientCert)).toArray(X509Certificate[]::new));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(own, "pw".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("X-Auth-Token", "admin:demo").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiSpeaksHttpsWithTheConfiguredCertificateAndPlainHttpGetsNothing() throws Exception {
        try (HearthServer server = start("cert_file = " + file("server.pem"), "key_file = " + file("server.key"))) {
            HttpClient client = client(null, null);
            HttpResponse<String> volumes = get(client, "https://localhost:" + server.port() + "/v3/demo/volumes");
            assertThat(volumes.statusCode()).as(volumes.body()).isEqualTo(200);
            assertThat(volumes.sslSession()).isPresent();
            // Links in answers name the scheme the request came by.
            JsonNode versions = JSON.readTree(get(client, "https://127.0.0.1:" + server.port() + "/").body());
            assertThat(versions.findValuesAsText("href")).contains("https://127.0.0.1:" + server.port() + "/v3/");

            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            assertThatThrownBy(() -> get(plain, "http://127.0.0.1:" + server.port() + "/v3/demo/volumes"))
                    .as("plain HTTP on the HTTPS port").isInstanceOf(IOException.class);
            assertThatThrownBy(() -> get(plain, "https://127.0.0.1:" + server.port() + "/v3/demo/volumes"))
                    .as("a client that does not trust the CA").isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void ecAndPkcs1KeysWorkAsOpensslWritesThem() throws Exception {
        for (String[] pair : List.of(new String[] {"server-ec.pem", "server-ec.key"}, new String[] {"server.pem", "server-pkcs1.key"})) {
            try (HearthServer server = start("cert_file = " + file(pair[0]), "key_file = " + file(pair[1]))) {
                HttpResponse<String> volumes = get(client(null, null), "https://127.0.0.1:" + server.port() + "/v3/demo/volumes");
                assertThat(volumes.statusCode()).as(pair[1]).isEqualTo(200);
                assertThat(volumes.sslSession().orElseThrow().getPeerCertificates()[0].getPublicKey().getAlgorithm())
                        .isEqualTo(pair[1].contains("ec") ? "EC" : "RSA");
            }
        }
    }

    @Test
    void aCaFileRequiresClientCertificatesSignedByIt() throws Exception {
        try (HearthServer server = start("cert_file = " + file("server.pem"), "key_file = " + file("server.key"),
                "ca_file = " + file("ca.pem"))) {
            String url = "https://127.0.0.1:" + server.port() + "/v3/demo/volumes";
            assertThat(get(client("client.pem", "client.key"), url).statusCode()).isEqualTo(200);
            // TLS 1.3 reports a refused client certificate after the handshake: the request fails either way.
            assertThatThrownBy(() -> get(client(null, null), url)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void versionAndCiphersLimitWhatIsNegotiated() throws Exception {
        try (HearthServer server = start("cert_file = " + file("server.pem"), "key_file = " + file("server.key"), "version = TLSv1_2",
                "ciphers = TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")) {
            HttpResponse<String> volumes = get(client(null, null), "https://127.0.0.1:" + server.port() + "/v3/demo/volumes");
            assertThat(volumes.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(volumes.sslSession().orElseThrow().getCipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        }
    }

    @Test
    void badFilesStopTheStartWithAMessageNamingTheOption() {
        record Case(String why, List<String> ssl, String option, String says) {}
        String cert = "cert_file = " + file("server.pem");
        String key = "key_file = " + file("server.key");
        List<Case> cases = List.of(
                new Case("missing certificate", List.of("cert_file = " + dir.resolve("absent.pem"), key), "cert_file", "does not exist"),
                new Case("missing key", List.of(cert, "key_file = " + dir.resolve("absent.key")), "key_file", "does not exist"),
                new Case("key for another certificate", List.of(cert, "key_file = " + file("other.key")), "key_file", "is not the key of"),
                new Case("EC key for an RSA certificate", List.of(cert, "key_file = " + file("server-ec.key")), "key_file", "is not the key of"),
                new Case("a key as the certificate", List.of("cert_file = " + file("server.key"), key), "cert_file", "no usable PEM certificate"),
                new Case("a certificate as the key", List.of(cert, "key_file = " + file("server.pem")), "key_file", "no usable private key"),
                new Case("encrypted key", List.of(cert, "key_file = " + file("encrypted.key")), "key_file", "encrypted"),
                new Case("certificate alone", List.of(cert), "key_file", "missing"),
                new Case("ca_file alone", List.of("ca_file = " + file("ca.pem")), "ca_file", "cert_file and key_file"),
                new Case("missing ca_file", List.of(cert, key, "ca_file = " + dir.resolve("absent-ca.pem")), "ca_file", "does not exist"),
                new Case("old version", List.of(cert, key, "version = TLSv1"), "version", "not supported"),
                new Case("OpenSSL cipher name", List.of(cert, key, "ciphers = ECDHE-RSA-AES256-GCM-SHA384"), "ciphers", "IANA"));
        for (Case c : cases) {
            assertThatThrownBy(() -> start(c.ssl().toArray(String[]::new))).as(c.why())
                    .isInstanceOf(HearthException.class).hasMessageContaining("[ssl] " + c.option()).hasMessageContaining(c.says());
        }
        assertThat(dir.resolve("state")).as("nothing was started").doesNotExist();
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestartAndBrokenFilesKeepTheOneInForce() throws Exception {
        Path cert = dir.resolve("live.pem");
        Path key = dir.resolve("live.key");
        Files.copy(ca.resolve("server.pem"), cert);
        Files.copy(ca.resolve("server.key"), key);
        try (HearthServer server = start("cert_file = " + cert, "key_file = " + key, "cert_reload_interval = 1")) {
            String url = "https://127.0.0.1:" + server.port() + "/v3/demo/volumes";
            assertThat(servedKeyAlgorithm(url)).isEqualTo("RSA");
            // Renewal as a tool writes it: the certificate first (a moment of a key for another certificate), then the key.
            Files.copy(ca.resolve("server-ec.pem"), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(ca.resolve("server-ec.key"), key, StandardCopyOption.REPLACE_EXISTING);
            awaitServed(url, "EC");
            // A half-written certificate is not taken: the one in force stays, and requests go on.
            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nMIIB\n");
            Files.setLastModifiedTime(cert, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(5)));
            Thread.sleep(2500); // two reload intervals: what is asserted is that nothing changes meanwhile
            assertThat(servedKeyAlgorithm(url)).isEqualTo("EC");
            // Fixed again: picked up.
            Files.copy(ca.resolve("server.pem"), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(ca.resolve("server.key"), key, StandardCopyOption.REPLACE_EXISTING);
            awaitServed(url, "RSA");
        }
    }

    @Test
    void aBadReloadIntervalStopsTheStart() {
        assertThatThrownBy(() -> start("cert_file = " + file("server.pem"), "key_file = " + file("server.key"), "cert_reload_interval = soon"))
                .isInstanceOf(HearthException.class).hasMessageContaining("[ssl] cert_reload_interval");
    }

    /** The public key algorithm of the certificate a new connection is served. */
    private static String servedKeyAlgorithm(String url) throws Exception {
        HttpResponse<String> response = get(client(null, null), url);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.sslSession().orElseThrow().getPeerCertificates()[0].getPublicKey().getAlgorithm();
    }

    private static void awaitServed(String url, String algorithm) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!servedKeyAlgorithm(url).equals(algorithm)) {
            assertThat(System.nanoTime()).as("a new connection gets the " + algorithm + " certificate within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
