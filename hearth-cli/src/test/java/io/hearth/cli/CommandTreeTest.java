package io.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A command line that names a command is built with that command's branch alone; anything else gets the whole tree. */
class CommandTreeTest {
    private final CommandLine whole = HearthCommand.commandLine();

    @Test
    void aNamedCommandGetsItsBranchAlone() {
        CommandLine line = HearthCommand.commandLine(new String[] {"repo", "ls", "--repo", "somewhere"});
        assertThat(line.getSubcommands()).containsOnlyKeys("repo");
        assertThat(line.getSubcommands().get("repo").getSubcommands()).containsOnlyKeys("ls");
    }

    @Test
    void helpAndNoCommandGetEveryCommand() {
        assertThat(whole.getSubcommands()).containsKeys("repo", "serve", "backup", "volume", "completion").hasSize(10);
        for (String[] args : new String[][] {{}, {"--help"}, {"-V"}}) {
            CommandLine line = HearthCommand.commandLine(args);
            assertThat(line.getSubcommands().keySet()).containsExactlyElementsOf(whole.getSubcommands().keySet());
            assertThat(line.getSubcommands().get("repo").getSubcommands().keySet())
                    .containsExactlyElementsOf(whole.getSubcommands().get("repo").getSubcommands().keySet());
        }
    }

    @Test
    void aGroupWhoseNextWordIsNoSubcommandGetsAllOfThem() {
        CommandLine typo = HearthCommand.commandLine(new String[] {"repo", "lss"});
        assertThat(typo.getSubcommands().get("repo").getSubcommands().keySet())
                .containsExactlyElementsOf(whole.getSubcommands().get("repo").getSubcommands().keySet());
        CommandLine optionFirst = HearthCommand.commandLine(new String[] {"backup", "--config", "create", "create"});
        assertThat(optionFirst.getSubcommands().get("backup").getSubcommands()).hasSize(7);
    }

    @Test
    void aMistypedCommandStillGetsPicocliSuggestion() {
        String[] args = {"repo", "lss", "--repo", "somewhere"};
        CommandLine line = HearthCommand.commandLine(args);
        StringWriter err = new StringWriter();
        line.setErr(new PrintWriter(err));
        assertThat(line.execute(args)).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("Did you mean: repo ls");
    }
}
