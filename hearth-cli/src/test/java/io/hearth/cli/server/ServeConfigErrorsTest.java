package io.hearth.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.cli.HearthCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A configuration {@code hearth serve} cannot run with: one line that names what to change, no stack trace. */
class ServeConfigErrorsTest {
    @TempDir
    Path dir;

    private record Result(int exit, String err) {}

    private Result serve(String... configLines) throws IOException {
        Path config = Files.write(dir.resolve("hearth.conf"), java.util.List.of(configLines));
        StringWriter err = new StringWriter();
        CommandLine command = HearthCommand.commandLine();
        command.setOut(new PrintWriter(new StringWriter()));
        command.setErr(new PrintWriter(err));
        return new Result(command.execute("serve", "--config", config.toString()), err.toString());
    }

    @Test
    void anOptionOutOfRangeIsNamed() throws IOException {
        Result result = serve("[DEFAULT]", "state_path = " + dir.resolve("state"), "[database]", "max_pool_size = 0");
        assertThat(result.exit()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).startsWith("error: ").contains("max_pool_size must be between 1 and 1000")
                .doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void anUnreachableDatabaseSaysSo() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Result result = serve("[DEFAULT]", "state_path = " + dir.resolve("state"), "osapi_volume_listen_port = 0",
                "[database]", "connection = postgresql://postgres@127.0.0.1:" + closedPort + "/hearth");
        assertThat(result.exit()).as(result.err()).isEqualTo(6);
        assertThat(result.err()).startsWith("error: cannot use the database of [database] connection: ").doesNotContain("\tat ");
    }
}
