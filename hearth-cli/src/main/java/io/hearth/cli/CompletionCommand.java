package io.hearth.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth completion bash}: the completion script picocli generates from the command tree (zsh loads it too). */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script.", "bash: source <(hearth completion bash)   (zsh: autoload bashcompinit first)"})
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", defaultValue = "bash", description = "bash (the script also works in zsh after bashcompinit).")
    String shell;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            spec.commandLine().getErr().println("error: no completion for '" + shell + "'; use bash (or zsh, which runs the bash script)");
            return ExitCodes.USAGE;
        }
        // the whole tree: the command line that ran this one holds only its own branch (CommandTree)
        spec.commandLine().getOut().print(AutoComplete.bash("hearth", HearthCommand.commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
