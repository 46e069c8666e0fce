package io.hearth.engine.target;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real server for a target module's tests, started by {@code scripts/targets/NAME.sh up} (which installs what it
 * needs when missing, and does nothing harmful when the server already runs) and stopped when the test JVM ends if
 * this JVM started it. No server, no test: it fails with the script's words rather than skipping.
 */
public final class TargetServerScript {
    private final String name;
    private final Path root;
    private Map<String, TargetOptions> targets;

    /**
     * @param name the script's name under {@code scripts/targets}
     * @param root the checkout's root (a module's tests run in the module's directory: {@code ..})
     */
    public TargetServerScript(String name, Path root) {
        this.name = name;
        this.root = root.toAbsolutePath().normalize();
    }

    /** The options the script printed as {@code export NAME=value} lines, under their lower-case names, all targets' together. */
    public synchronized TargetOptions options() {
        Map<String, String> all = new HashMap<>();
        targets().values().forEach(options -> all.putAll(options.values()));
        return new TargetOptions(all);
    }

    /** The options printed after the line {@code TARGET <target> …} and before the next TARGET line. */
    public synchronized TargetOptions options(String target) {
        TargetOptions options = targets().get(target);
        if (options == null) {
            throw new IllegalStateException("scripts/targets/" + name + ".sh up printed no TARGET " + target + " line");
        }
        return options;
    }

    private Map<String, TargetOptions> targets() {
        if (targets == null) {
            boolean wasUp = Files.isDirectory(root.resolve("target-servers/" + name));
            Map<String, Map<String, String>> exports = new LinkedHashMap<>();
            Map<String, String> current = null;
            for (String line : run("up")) {
                if (line.startsWith("TARGET ")) {
                    current = exports.computeIfAbsent(line.split(" ")[1], target -> new HashMap<>());
                } else if (line.startsWith("export ") && current != null) {
                    String assignment = line.substring("export ".length());
                    int equals = assignment.indexOf('=');
                    current.put(assignment.substring(0, equals).toLowerCase(Locale.ROOT), assignment.substring(equals + 1));
                }
            }
            if (exports.values().stream().allMatch(Map::isEmpty)) {
                throw new IllegalStateException("scripts/targets/" + name + ".sh up printed no TARGET line with export lines");
            }
            if (!wasUp) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> run("down")));
            }
            targets = new LinkedHashMap<>();
            exports.forEach((target, values) -> targets.put(target, new TargetOptions(values)));
        }
        return targets;
    }

    private List<String> run(String command) {
        String script = "scripts/targets/" + name + ".sh";
        try {
            Path output = Files.createTempFile(name, ".out");
            try {
                // The checkout's default state directory, so that a server a developer started is found, not doubled.
                ProcessBuilder builder = new ProcessBuilder("bash", script, command).directory(root.toFile())
                        .redirectErrorStream(true).redirectOutput(output.toFile());
                builder.environment().remove("HEARTH_TARGETS_DIR");
                Process process = builder.start();
                if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                    process.destroyForcibly();
                    throw new IllegalStateException(script + " " + command + " failed; it said:\n"
                            + Files.readString(output, StandardCharsets.UTF_8));
                }
                return Files.readAllLines(output, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + " " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
