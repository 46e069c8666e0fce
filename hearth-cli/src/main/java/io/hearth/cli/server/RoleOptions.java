package io.hearth.cli.server;

import io.hearth.cli.ExitCodes;
import io.hearth.service.backup.RepositoryBackupEngine;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import io.hearth.service.server.Role;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options of a command that runs service roles, and the running itself: until the process is told to stop. */
public final class RoleOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "hearth.conf (cinder.conf option names); without it every default applies.")
    private Path config;

    @Option(names = "--port", paramLabel = "PORT", description = "Overrides osapi_volume_listen_port (0 picks a free port).")
    private Integer port;

    /**
     * {@code hearth volume|backup --config FILE}: runs the role; those names are also client command groups, so without
     * the options the group's usage is shown.
     */
    public int runOrUsage(CommandSpec group, Role role) throws Exception {
        if (config == null && port == null) {
            group.commandLine().usage(group.commandLine().getErr());
            return ExitCodes.USAGE;
        }
        return run(EnumSet.of(role));
    }

    public int run(Set<Role> roles) throws Exception {
        HearthConfig settings = HearthConfig.from(config == null ? IniFile.empty() : IniFile.read(config));
        if (port != null) {
            settings = settings.withListenPort(port);
        }
        HearthServer server = HearthServer.start(settings, roles, c -> RepositoryBackupEngine.open(c.backupTarget(),
                c.backupCompressionAlgorithm(), c.statePath().resolve("cache")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        // The line tests and scripts wait for: the port is only known once the server listens.
        System.out.println(server.port() >= 0 ? "hearth: listening on " + (settings.ssl().isPresent() ? "https" : "http") + "://" + settings.listenHost() + ":" + server.port()
                : "hearth: " + (roles.equals(EnumSet.allOf(Role.class)) ? "all roles" : roles.iterator().next().cliName())
                        + " running on host " + settings.host());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
