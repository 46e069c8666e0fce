package io.hearth.cli.repo;

import picocli.CommandLine.Command;

/** {@code hearth repo ...}: offline commands on a backup repository, no server needed. */
@Command(name = "repo", mixinStandardHelpOptions = true,
        description = "Work on a backup repository directly (no server needed).",
        subcommands = {InitCommand.class, BackupCommand.class, RestoreCommand.class, VerifyCommand.class, ListCommand.class,
                DeleteCommand.class, GcCommand.class, RebuildIndexCommand.class, KeyCommand.class})
public final class RepoCommand {}
