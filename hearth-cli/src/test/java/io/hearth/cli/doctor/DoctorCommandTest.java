package io.hearth.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.cli.HearthCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hearth doctor} against a good configuration (H2, the real RabbitMQ, a local repository directory) and bad
 * ones: a database that does not answer, a broker port nobody listens on, a backup target that cannot exist.
 */
class DoctorCommandTest {
    private static final String BROKER = System.getProperty("hearth.test.transport_url", "rabbit://guest:guest@127.0.0.1:5672/");

    @TempDir
    Path dir;

    record Run(int exit, List<String> lines) {
        String line(String check) {
            return lines.stream().filter(l -> l.matches("(OK|FAIL) +" + check + ":.*")).findFirst()
                    .orElseThrow(() -> new AssertionError("no line for " + check + " in " + lines));
        }
    }

    private Run doctor(String... conf) throws IOException {
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"), "target_port = 0"));
        lines.addAll(List.of(conf));
        Path file = dir.resolve("hearth.conf");
        Files.write(file, lines);
        StringWriter out = new StringWriter();
        CommandLine command = HearthCommand.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(new StringWriter()));
        int exit = command.execute("doctor", "--config", file.toString());
        return new Run(exit, out.toString().lines().toList());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aGoodConfigurationPassesEveryCheck() throws IOException {
        Run run = doctor("transport_url = " + BROKER);
        assertThat(run.exit()).as(run.lines().toString()).isZero();
        assertThat(run.lines()).hasSize(5).allMatch(l -> l.startsWith("OK "));
        assertThat(run.line("config")).contains("hearth.conf parsed");
        assertThat(run.line("database")).contains("first start creates it");
        assertThat(run.line("bus")).contains("accepted the connection");
        assertThat(run.line("backup target")).contains("the first backup creates it");
        assertThat(run.line("nbd port")).contains("can be bound");
        assertThat(dir.resolve("state")).as("doctor changes nothing").doesNotExist();
    }

    @Test
    void anExistingH2DatabaseShowsItsSchemaVersion() throws IOException {
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        io.hearth.service.db.Database.open(io.hearth.service.config.HearthConfig.from(io.hearth.service.config.IniFile.parse(
                List.of("[DEFAULT]", "state_path = " + state), "t")).database()).close();
        Run run = doctor();
        assertThat(run.line("database")).startsWith("OK").contains("schema version").contains("up to date");
    }

    @Test
    void aDatabaseThatDoesNotAnswerFails() throws IOException {
        Run run = doctor("[database]", "connection = postgresql://hearth@127.0.0.1:" + closedPort() + "/hearth");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.line("database")).startsWith("FAIL").contains("[database] connection");
        assertThat(run.line("bus")).startsWith("OK");
    }

    @Test
    void anUnreachableBrokerFails() throws IOException {
        Run run = doctor("transport_url = rabbit://guest:guest@127.0.0.1:" + closedPort() + "/");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.line("bus")).startsWith("FAIL").contains("start RabbitMQ or fix transport_url");
        assertThat(run.line("database")).startsWith("OK");
    }

    @Test
    void aBackupTargetThatCannotExistFails() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Run run = doctor("backup_posix_path = " + file.resolve("backups"));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.line("backup target")).startsWith("FAIL").contains("set backup_posix_path");
    }

    @Test
    void anUnknownDriverFailsAndSaysWhichOnesExist() throws IOException {
        Run run = doctor("backup_driver = cinder.backup.drivers.tape");
        assertThat(run.line("backup target")).startsWith("FAIL").contains("use one of");
    }

    @Test
    void aConfigurationThatDoesNotParseStopsAtTheFirstCheck() throws IOException {
        Run run = doctor("this line has no equals sign");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.lines()).hasSize(1);
        assertThat(run.line("config")).startsWith("FAIL").contains("line 4").contains("fix the file");
    }

    @Test
    void aTakenNbdPortFails() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Run run = doctor("target_port = " + taken.getLocalPort());
            assertThat(run.line("nbd port")).startsWith("FAIL").contains("target_port");
        }
    }
}
