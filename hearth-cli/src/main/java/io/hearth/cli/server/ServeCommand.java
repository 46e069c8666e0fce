package io.hearth.cli.server;

import io.hearth.service.backup.RepositoryBackupEngine;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearth serve}: every service in one process, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Cinder v3 API with the scheduler, volume and backup services in one process.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "hearth.conf (cinder.conf option names); without it every default applies.")
    private Path config;

    @Option(names = "--port", paramLabel = "PORT", description = "Overrides osapi_volume_listen_port (0 picks a free port).")
    private Integer port;

    @Override
    public Integer call() throws Exception {
        HearthConfig settings = HearthConfig.from(config == null ? IniFile.empty() : IniFile.read(config));
        if (port != null) {
            settings = settings.withListenPort(port);
        }
        HearthServer server = HearthServer.start(settings, c -> RepositoryBackupEngine.open(c.backupTarget(),
                c.backupCompressionAlgorithm(), c.statePath().resolve("cache")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        // The line tests and scripts wait for: the port is only known once the server listens.
        System.out.println("hearth: listening on http://" + settings.listenHost() + ":" + server.port());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
