package io.hearth.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.cli.HearthCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --format and --json on client commands, and errors that say what to do. */
class ClientOptionsTest {
    record Run(int exit, String out, String err) {}

    private static Run hearth(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = HearthCommand.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return new Run(command.execute(args), out.toString(), err.toString());
    }

    private static String nowhere() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void formatJsonAndTheJsonAliasAreBothAccepted() throws IOException {
        for (String[] format : new String[][] {{"--format", "json"}, {"--json"}, {"--format", "table"}}) {
            String[] args = new String[3 + format.length];
            args[0] = "backup";
            args[1] = "list";
            args[2] = "--url=" + nowhere();
            System.arraycopy(format, 0, args, 3, format.length);
            Run run = hearth(args);
            assertThat(run.exit()).as(run.err()).isEqualTo(6);
            assertThat(run.err()).contains("is 'hearth serve' running?").contains("HEARTH_URL");
        }
    }

    @Test
    void anUnknownFormatNamesTheOnesThereAre() {
        Run run = hearth("backup", "list", "--format", "yaml");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("table").contains("json");
    }
}
