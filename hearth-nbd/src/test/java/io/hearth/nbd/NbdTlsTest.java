package io.hearth.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NBD_OPT_STARTTLS with a certificate of a test CA (made with openssl): qemu-img, nbdinfo and the Java client. */
class NbdTlsTest {
    private static final char[] PASSWORD = "secret".toCharArray();

    @TempDir Path dir;
    private Path volume;

    @BeforeEach
    void certificates() throws Exception {
        volume = Volumes.create(dir, "volume", 8L << 20, 3);
        Path ext = dir.resolve("ext.cnf");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca-cert.pem", "-days", "2",
                "-subj", "/CN=hearth test CA");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", "server-cert.pem", "-days", "2", "-extfile", ext.toString());
        openssl("pkcs12", "-export", "-in", "server-cert.pem", "-inkey", "server-key.pem", "-out", "server.p12", "-passout", "pass:secret");
        // qemu's and libnbd's client side reads the CA from a directory.
        Files.createDirectories(dir.resolve("client"));
        Files.copy(dir.resolve("ca-cert.pem"), dir.resolve("client/ca-cert.pem"));
    }

    private void openssl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }

    private SSLContext serverContext() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    private SSLContext clientContext() throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("ca-cert.pem"))) {
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    @Test
    void qemuNbdinfoAndTheJavaClientSpeakTlsAndPlainClientsAreRefused() throws Exception {
        try (NbdServer server = NbdServer.start(NbdServer.Options.loopback().withTls(serverContext(), true));
                FileExport export = FileExport.writable(volume)) {
            server.addExport("tls-export", export);
            int port = server.port();
            String info = Commands.run("qemu-img", "info", "--object", "tls-creds-x509,id=tls0,endpoint=client,dir=" + dir.resolve("client"),
                    "--image-opts", "driver=nbd,host=127.0.0.1,port=" + port + ",export=tls-export,tls-creds=tls0").ok().output();
            assertThat(info).contains("virtual size: 8 MiB");
            String probe = Commands.run("nbdinfo", "nbds://127.0.0.1:" + port + "/tls-export?tls-certificates=" + dir.resolve("client")).ok().output();
            assertThat(probe).contains("newstyle-fixed with TLS", "export-size: " + (8L << 20));

            try (NbdClient client = NbdClient.connect(new NbdClient.Target("127.0.0.1", port, "tls-export", Optional.of(clientContext())),
                    Duration.ofSeconds(10))) {
                client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 4096, true);
                ByteBuffer back = ByteBuffer.allocate(3);
                client.read(back, 4096);
                assertThat(back.array()).containsExactly(1, 2, 3);
            }

            // Without TLS: refused (NBD_REP_ERR_TLS_REQD), by the real client and by ours.
            assertThat(Commands.run("nbdinfo", "nbd://127.0.0.1:" + port + "/tls-export").exitCode()).isNotZero();
            assertThatThrownBy(() -> NbdClient.connect(NbdClient.Target.plain("127.0.0.1", port, "tls-export"), Duration.ofSeconds(10)))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFails() throws Exception {
        try (NbdServer server = NbdServer.start(NbdServer.Options.loopback().withTls(serverContext(), true));
                FileExport export = FileExport.readOnly(volume)) {
            server.addExport("tls-export", export);
            SSLContext trustsNothing = SSLContext.getInstance("TLS");
            KeyStore empty = KeyStore.getInstance(KeyStore.getDefaultType());
            empty.load(null, null);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(empty);
            trustsNothing.init(null, factory.getTrustManagers(), null);
            assertThatThrownBy(() -> NbdClient.connect(new NbdClient.Target("127.0.0.1", server.port(), "tls-export", Optional.of(trustsNothing)),
                    Duration.ofSeconds(10))).isInstanceOf(IOException.class);
            // The server goes on.
            assertThat(Commands.run("nbdinfo", "nbds://127.0.0.1:" + server.port() + "/tls-export?tls-certificates=" + dir.resolve("client"))
                    .ok().output()).contains("is_read_only: true");
        }
    }
}
