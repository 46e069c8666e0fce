package io.hearth.service.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.SelfSignedCertificate;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nbd_tls_keystore}: exports require TLS, connection info says so, and qemu-img connects with its x509 credentials. */
class NbdTlsAttachmentTest {
    @TempDir Path dir;

    private static String run(Path in, String... command) throws Exception {
        return SelfSignedCertificate.run(in, command);
    }

    private HearthConfig config(String keystore) {
        return HearthConfig.from(IniFile.parse(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"), "osapi_volume_listen_port = 0",
                "host = volume-host", "nbd_tls_keystore = " + keystore, "nbd_tls_keystore_password = pw"), "test"));
    }

    @Test
    void tlsExportsWorkWithQemuAndAMissingKeystoreIsAClearError() throws Exception {
        // One self-signed certificate for 127.0.0.1 serves as the server's and as the client's CA.
        Path certs = SelfSignedCertificate.in(dir.resolve("certs")).dir();

        assertThatThrownBy(() -> HearthServer.start(config(dir.resolve("missing.p12").toString()), c -> new FakeBackupEngine(dir.resolve("r"))))
                .hasMessageContaining("nbd_tls_keystore");

        try (HearthServer server = HearthServer.start(config(certs.resolve("server.p12").toString()), c -> new FakeBackupEngine(dir.resolve("repo")))) {
            Http http = new Http("http://127.0.0.1:" + server.port(), "admin:demo", "3.71");
            String volume = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}").body().at("/volume/id").asText();
            http.await("/v3/demo/volumes/" + volume, b -> b.at("/volume/status").asText().equals("available"), Duration.ofSeconds(60));
            JsonNode data = http.post("/v3/demo/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volume
                    + "\", \"connector\": {\"host\": \"compute-1\"}}}").body().at("/attachment/connection_info/data");
            assertThat(data.get("tls").asBoolean()).isTrue();
            assertThat(data.get("uri").asText()).startsWith("nbds://127.0.0.1:" + server.nbdPort() + "/");
            String info = run(certs, "qemu-img", "info", "--object", "tls-creds-x509,id=tls0,endpoint=client,dir=" + certs,
                    "--image-opts", "driver=nbd,host=127.0.0.1,port=" + data.get("port").asInt() + ",export=" + data.get("export_name").asText()
                            + ",tls-creds=tls0");
            assertThat(info).contains("virtual size: 1 GiB");
            assertThat(run(certs, "nbdinfo", data.get("uri").asText() + "?tls-certificates=" + certs)).contains("with TLS");

            // A renewed certificate (a new key too) replaces the keystore: the next connection gets it, no restart.
            Path renewed = SelfSignedCertificate.in(dir.resolve("renewed")).dir();
            // A keystore that cannot be read (wrong password) is not taken: the certificate in force stays.
            run(renewed, "openssl", "pkcs12", "-export", "-in", "ca-cert.pem", "-inkey", "key.pem", "-out", "wrong.p12", "-passout",
                    "pass:other");
            Files.copy(renewed.resolve("wrong.p12"), certs.resolve("server.p12"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(run(certs, "nbdinfo", data.get("uri").asText() + "?tls-certificates=" + certs)).contains("with TLS");
            Files.copy(renewed.resolve("server.p12"), certs.resolve("server.p12"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(run(renewed, "nbdinfo", data.get("uri").asText() + "?tls-certificates=" + renewed)).contains("with TLS");
            Process old = new ProcessBuilder("nbdinfo", data.get("uri").asText() + "?tls-certificates=" + certs).redirectErrorStream(true).start();
            old.getInputStream().readAllBytes();
            assertThat(old.waitFor()).as("a client that trusts only the old certificate").isNotZero();
        }
    }
}
