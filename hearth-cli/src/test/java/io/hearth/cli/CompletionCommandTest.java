package io.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code hearth completion bash} prints a bash completion script that knows the command tree. */
class CompletionCommandTest {
    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = HearthCommand.commandLine(args); // as main builds it: only the branch args name
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        int exit = command.execute(args);
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void theBashScriptCompletesSubcommandsAndTheirOptions() {
        String[] result = run("completion", "bash");
        assertThat(result[0]).isEqualTo("0");
        String script = result[1];
        assertThat(script).contains("complete -F _complete_hearth").contains("function _complete_hearth");
        assertThat(script).contains("doctor").contains("backup").contains("repo").contains("completion");
        assertThat(script).contains("--format").contains("--config");
    }

    @Test
    void anUnknownShellSaysWhatToUse() {
        String[] result = run("completion", "fish");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2]).contains("use bash");
    }
}
