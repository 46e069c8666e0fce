package io.hearth.cli.repo;

import io.hearth.cli.CommandGroup;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code hearth repo ...}: offline commands on a backup repository, no server needed. */
@Command(name = "repo", mixinStandardHelpOptions = true,
        description = "Work on a backup repository directly (no server needed).")
public final class RepoCommand implements CommandGroup {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(InitCommand.class, BackupCommand.class, RestoreCommand.class, VerifyCommand.class, ListCommand.class,
                DeleteCommand.class, GcCommand.class, RebuildIndexCommand.class, KeyCommand.class);
    }
}
