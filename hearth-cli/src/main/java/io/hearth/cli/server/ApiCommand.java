package io.hearth.cli.server;

import io.hearth.service.server.Role;
import java.util.EnumSet;
import picocli.CommandLine.Command;

/** {@code hearth api}: the Cinder v3 API alone; stateless, so any number can run behind a load balancer. */
@Command(name = "api", mixinStandardHelpOptions = true,
        description = "Run the Cinder v3 API alone (any number behind a load balancer); needs transport_url.")
public final class ApiCommand extends RoleCommand {
    public ApiCommand() {
        super(EnumSet.of(Role.API));
    }
}
