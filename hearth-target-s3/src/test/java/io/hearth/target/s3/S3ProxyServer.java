package io.hearth.target.s3;

import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * S3Proxy, a real S3 server, over a temporary directory, run as a child process from the jar the build copied
 * (property {@code hearth.s3proxy.jar}) on a free loopback port, with credentials of its own.
 * One server serves every test of the module: {@link #shared} keeps it in JUnit's root store, which stops it at the end.
 */
final class S3ProxyServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Process process;
    private final Path baseDir;
    private final Path log;
    private final int port;
    private final String accessKey;
    private final String secretKey;

    private S3ProxyServer(Process process, Path baseDir, Path log, int port, String accessKey, String secretKey) {
        this.process = process;
        this.baseDir = baseDir;
        this.log = log;
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    static S3ProxyServer shared(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.create(S3ProxyServer.class));
        return store.computeIfAbsent("server", key -> {
            try {
                return start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, S3ProxyServer.class);
    }

    static S3ProxyServer start() throws IOException {
        String jar = System.getProperty("hearth.s3proxy.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("the S3 tests need S3Proxy's jar (system property hearth.s3proxy.jar, copied by the "
                    + "build of hearth-target-s3 into target/s3proxy); got " + jar + ": run them through ./mvnw");
        }
        Path dir = Files.createTempDirectory("hearth-s3proxy-");
        Path baseDir = Files.createDirectories(dir.resolve("data"));
        Path log = dir.resolve("s3proxy.log");
        String accessKey = "hearth-" + UUID.randomUUID().toString().substring(0, 8);
        String secretKey = UUID.randomUUID().toString();
        // S3Proxy takes a port, not a socket: a port just freed by the OS is taken, and a lost race is retried.
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Path properties = dir.resolve("s3proxy.conf");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + accessKey,
                    "s3proxy.credential=" + secretKey,
                    "jclouds.provider=filesystem-nio2",
                    "jclouds.filesystem.basedir=" + baseDir) + "\n");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process process = new ProcessBuilder(java, "-Xmx256m", "-jar", jar, "--properties", properties.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            S3ProxyServer server = new S3ProxyServer(process, baseDir, log, port, accessKey, secretKey);
            if (server.awaitListening()) {
                return server;
            }
            server.close();
            if (attempt == 3) {
                throw new IllegalStateException("S3Proxy did not start; its log " + log + " ends with:\n" + tail(log));
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private boolean awaitListening() throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException notYet) {
                try {
                    process.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    String accessKey() {
        return accessKey;
    }

    String secretKey() {
        return secretKey;
    }

    /** A new, empty bucket (S3Proxy's filesystem store keeps a bucket as a directory). */
    String createBucket() throws IOException {
        String bucket = "b-" + UUID.randomUUID().toString().substring(0, 13);
        Files.createDirectory(baseDir.resolve(bucket));
        return bucket;
    }

    boolean bucketExists(String bucket) {
        return Files.isDirectory(baseDir.resolve(bucket));
    }

    /** The options that reach this server, as the CLI would read them from BACKUP_S3_* variables. */
    TargetOptions options() {
        return new TargetOptions(Map.of(
                "backup_s3_endpoint_url", endpoint(),
                "backup_s3_store_access_key", accessKey,
                "backup_s3_store_secret_key", secretKey,
                "backup_s3_force_path_style", "true",
                "backup_s3_retry_max_attempts", "2"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
