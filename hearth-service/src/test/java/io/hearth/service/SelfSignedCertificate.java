package io.hearth.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One self-signed certificate for 127.0.0.1 made by the real {@code openssl}: {@code key.pem} and {@code ca-cert.pem}
 * (qemu's and libnbd's file names), and {@code server.p12} under password {@code pw} for {@code nbd_tls_keystore}.
 * It serves as the server's certificate and as the client's CA.
 */
public record SelfSignedCertificate(Path dir) {
    public static SelfSignedCertificate in(Path dir) throws Exception {
        Files.createDirectories(dir);
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "ca-cert.pem", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
        run(dir, "openssl", "pkcs12", "-export", "-in", "ca-cert.pem", "-inkey", "key.pem", "-out", "server.p12", "-passout", "pass:pw");
        return new SelfSignedCertificate(dir);
    }

    public Path keystore() {
        return dir.resolve("server.p12");
    }

    public Path caCertificate() {
        return dir.resolve("ca-cert.pem");
    }

    /** Runs {@code command} in {@code in} and returns its output; a non-zero exit fails the test. */
    public static String run(Path in, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }
}
