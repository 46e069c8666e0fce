package io.hearth.target.swift;

import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Swift the tests use, started by {@code scripts/targets/swift.sh up} (which installs the Debian packages when
 * missing) and stopped when the test JVM ends if this JVM started it. No Swift, no test: it fails with the script's
 * words rather than skipping.
 */
final class SwiftServer {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SCRIPT = ROOT.resolve("scripts/targets/swift.sh");

    private static TargetOptions options;

    private SwiftServer() {}

    /** The options (BACKUP_SWIFT_* as cinder names) that reach the running Swift as test:tester. */
    static synchronized TargetOptions options() {
        if (options == null) {
            boolean wasUp = Files.exists(ROOT.resolve("target-servers/swift/run/proxy.port"));
            Map<String, String> values = new HashMap<>();
            for (String line : run("up")) {
                if (line.startsWith("export ")) {
                    String assignment = line.substring("export ".length());
                    int equals = assignment.indexOf('=');
                    values.put(assignment.substring(0, equals).toLowerCase(Locale.ROOT), assignment.substring(equals + 1));
                }
            }
            if (!values.containsKey("backup_swift_auth_url")) {
                throw new IllegalStateException("scripts/targets/swift.sh up printed no BACKUP_SWIFT_AUTH_URL");
            }
            if (!wasUp) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> run("down")));
            }
            options = new TargetOptions(values);
        }
        return options;
    }

    private static List<String> run(String command) {
        try {
            Path output = Files.createTempFile("swift-sh", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), command).directory(ROOT.toFile())
                        .redirectErrorStream(true).redirectOutput(output.toFile());
                builder.environment().remove("HEARTH_TARGETS_DIR");
                Process process = builder.start();
                if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                    process.destroyForcibly();
                    throw new IllegalStateException("scripts/targets/swift.sh " + command + " failed; it said:\n"
                            + Files.readString(output, StandardCharsets.UTF_8));
                }
                return Files.readAllLines(output, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run scripts/targets/swift.sh " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
