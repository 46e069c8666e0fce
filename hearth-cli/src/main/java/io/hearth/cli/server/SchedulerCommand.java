package io.hearth.cli.server;

import io.hearth.service.server.Role;
import java.util.EnumSet;
import picocli.CommandLine.Command;

/** {@code hearth scheduler}: the scheduler alone. */
@Command(name = "scheduler", mixinStandardHelpOptions = true, description = "Run the scheduler alone; needs transport_url.")
public final class SchedulerCommand extends RoleCommand {
    public SchedulerCommand() {
        super(EnumSet.of(Role.SCHEDULER));
    }
}
