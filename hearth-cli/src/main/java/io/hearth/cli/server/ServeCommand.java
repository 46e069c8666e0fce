package io.hearth.cli.server;

import io.hearth.service.server.Role;
import java.util.EnumSet;
import picocli.CommandLine.Command;

/** {@code hearth serve}: every service in one process, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Cinder v3 API with the scheduler, volume and backup services in one process.")
public final class ServeCommand extends RoleCommand {
    public ServeCommand() {
        super(EnumSet.allOf(Role.class));
    }
}
