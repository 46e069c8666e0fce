package io.hearth.cli;

import io.hearth.cli.repo.RepoCommand;
import io.hearth.cli.client.BackupCommand;
import io.hearth.cli.client.ServiceCommand;
import io.hearth.cli.doctor.DoctorCommand;
import io.hearth.cli.server.ApiCommand;
import io.hearth.cli.server.SchedulerCommand;
import io.hearth.cli.server.ServeCommand;
import io.hearth.cli.volume.VolumeCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hearth} command. Each group of subcommands lives in its own package. */
@Command(
        name = "hearth",
        mixinStandardHelpOptions = true,
        version = "hearth 0.1.0",
        description = "Block storage with a first-class backup service.")
public final class HearthCommand implements CommandGroup {

    /** The commands that run until they are stopped; they end through their shutdown hooks. */
    private static final java.util.Set<String> SERVERS = java.util.Set.of("serve", "api", "scheduler");

    public static void main(String[] args) {
        int status = commandLine(args).execute(args);
        if (args.length > 0 && SERVERS.contains(args[0])) {
            System.exit(status);
        }
        // A command that has finished its work halts: System.exit first looks for a System.LoggerFinder service (the
        // JDK can log exits), a search that reads every jar of the class path (about 0.1 s on a cold cache). Nothing a
        // short command starts needs a shutdown hook; what it printed is flushed here.
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    /** Every command. */
    public static CommandLine commandLine() {
        return ExitCodes.configure(CommandTree.whole(new HearthCommand()));
    }

    /** What {@link #main} runs {@code args} with: the branch of the commands they name (see {@link CommandTree}). */
    static CommandLine commandLine(String[] args) {
        return ExitCodes.configure(CommandTree.forArgs(new HearthCommand(), args));
    }

    @Override
    public List<Class<?>> subcommands() {
        return List.of(RepoCommand.class, TrainCommand.class, ServeCommand.class, ApiCommand.class, SchedulerCommand.class,
                BackupCommand.class, VolumeCommand.class, ServiceCommand.class, DoctorCommand.class, CompletionCommand.class);
    }
}
