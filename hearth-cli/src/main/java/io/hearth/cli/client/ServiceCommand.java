package io.hearth.cli.client;

import io.hearth.cli.CommandGroup;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code hearth service list}: the scheduler, volume and backup services and whether their heartbeats are recent. */
@Command(name = "service", mixinStandardHelpOptions = true, description = "Show the services of the deployment (os-services).")
public final class ServiceCommand implements CommandGroup {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(ListServices.class);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List services: binary, host, zone, enabled or disabled, up or down (heartbeat older than service_down_time).")
    static final class ListServices implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            ClientOutput.rows(spec, options, options.client().get("/os-services"), "services",
                    List.of("binary", "host", "zone", "status", "state", "updated_at"));
            return 0;
        }
    }
}
