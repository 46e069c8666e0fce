package io.hearth.cli.server;

import io.hearth.service.server.Role;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command that runs a fixed set of service roles until the process is told to stop. */
abstract class RoleCommand implements Callable<Integer> {
    private final Set<Role> roles;
    @Mixin
    private RoleOptions options;

    RoleCommand(Set<Role> roles) {
        this.roles = roles;
    }

    @Override
    public Integer call() throws Exception {
        return options.run(roles);
    }
}
