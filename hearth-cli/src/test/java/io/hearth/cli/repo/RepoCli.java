package io.hearth.cli.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.cli.HearthCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code hearth repo ...} against one repository and one index cache: in-process for ordinary
 * commands, as a real child JVM for the ones a test kills.
 */
final class RepoCli {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a command did: its exit code, what it printed on stdout and on stderr. */
    record Result(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("not one JSON object on stdout: " + this, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    final Path repo;
    final Path cache;

    RepoCli(Path repo, Path cache) {
        this.repo = repo;
        this.cache = cache;
    }

    /** {@code hearth repo COMMAND --repo R --cache-dir C --json ARGS...}, in this JVM. */
    Result run(String command, String... args) {
        return hearth(arguments(command, args));
    }

    /** Any {@code hearth} command line, in this JVM. */
    static synchronized Result hearth(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(errStream);
            var line = HearthCommand.commandLine();
            line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
            line.setErr(new PrintWriter(errStream, true));
            exit = line.execute(args);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Starts {@code hearth repo COMMAND ...} as a child JVM; its output goes to {@code log}. */
    Process start(Path log, String command, String... args) {
        return start(List.of(), log, command, args);
    }

    /** Starts {@code hearth repo COMMAND ...} as a child JVM run by {@code wrapper} (a command that ends by exec'ing its arguments). */
    Process start(List<String> wrapper, Path log, String command, String... args) {
        List<String> line = new ArrayList<>(wrapper);
        line.addAll(childCommandLine(command, args));
        try {
            return new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code hearth repo COMMAND ...} as a child JVM with extra environment variables, and waits for it. */
    Result runWithEnvironment(java.util.Map<String, String> environment, String command, String... args) {
        try {
            Path out = java.nio.file.Files.createTempFile(cache.getParent(), "child-out", ".log");
            Path err = java.nio.file.Files.createTempFile(cache.getParent(), "child-err", ".log");
            ProcessBuilder builder = new ProcessBuilder(childCommandLine(command, args)).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            int exit = builder.start().waitFor();
            return new Result(exit, java.nio.file.Files.readString(out), java.nio.file.Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The java command line of a child JVM running {@code hearth repo COMMAND ...} on this JVM's class path. */
    private List<String> childCommandLine(String command, String... args) {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.hearth.cli.HearthCommand"));
        line.addAll(List.of(arguments(command, args)));
        return line;
    }

    String[] arguments(String command, String... args) {
        List<String> line = new ArrayList<>(List.of("repo"));
        line.addAll(List.of(command.split(" "))); // a command may be two words ("key list")
        line.addAll(List.of("--repo", repo.toString(), "--cache-dir", cache.toString(), "--json"));
        line.addAll(List.of(args));
        return line.toArray(String[]::new);
    }

    // Shorthands for steps that must succeed.

    Result ok(String command, String... args) {
        Result result = run(command, args);
        if (result.exit() != 0) {
            throw new AssertionError("hearth repo " + command + " " + String.join(" ", args) + " failed: " + result);
        }
        return result;
    }

    /** Backs up {@code source} under {@code id}; returns the JSON result. */
    JsonNode backup(Path source, String id, String... more) {
        List<String> args = new ArrayList<>(List.of("--source", source.toString(), "--id", id));
        args.addAll(List.of(more));
        return ok("backup", args.toArray(String[]::new)).json();
    }

    List<String> backupIds() {
        List<String> ids = new ArrayList<>();
        ok("ls").json().get("backups").forEach(b -> ids.add(b.get("id").asText()));
        return ids;
    }
}
