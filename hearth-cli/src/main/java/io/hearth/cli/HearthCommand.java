package io.hearth.cli;

import io.hearth.cli.repo.RepoCommand;
import io.hearth.cli.client.BackupCommand;
import io.hearth.cli.client.ServiceCommand;
import io.hearth.cli.doctor.DoctorCommand;
import io.hearth.cli.server.ApiCommand;
import io.hearth.cli.server.SchedulerCommand;
import io.hearth.cli.server.ServeCommand;
import io.hearth.cli.volume.VolumeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hearth} command. Each group of subcommands lives in its own package. */
@Command(
        name = "hearth",
        mixinStandardHelpOptions = true,
        version = "hearth 0.1.0",
        description = "Block storage with a first-class backup service.",
        subcommands = {RepoCommand.class, TrainCommand.class, ServeCommand.class, ApiCommand.class, SchedulerCommand.class,
                BackupCommand.class, VolumeCommand.class, ServiceCommand.class, DoctorCommand.class, CompletionCommand.class})
public final class HearthCommand {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return ExitCodes.configure(new CommandLine(new HearthCommand()));
    }
}
