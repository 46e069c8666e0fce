package io.hearth.service.server;

import io.hearth.service.Http;
import io.hearth.service.backup.BackupEngine;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.rpc.RabbitBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The Hearth processes of one test, each a {@link HearthServer} in this JVM, talking over the real RabbitMQ on an
 * exchange of their own. Closing the cluster stops them in the reverse order of their start, then leaves the broker.
 */
final class TestCluster implements AutoCloseable {
    private final RabbitBroker broker = new RabbitBroker();
    private final List<HearthServer> servers = new ArrayList<>();

    RabbitBroker broker() {
        return broker;
    }

    /**
     * The {@code [DEFAULT]} lines every process of a cluster has: its host and state directory, no fixed API port, the
     * bus, and service reports every second (a host is down after {@code serviceDownTime} seconds without one).
     */
    List<String> defaults(String host, Path statePath, int serviceDownTime) {
        return new ArrayList<>(List.of("[DEFAULT]", "state_path = " + statePath, "osapi_volume_listen_port = 0", "host = " + host,
                "transport_url = " + RabbitBroker.TRANSPORT_URL, "control_exchange = " + broker.exchange(), "report_interval = 1",
                "service_down_time = " + serviceDownTime));
    }

    HearthServer start(List<String> lines, Set<Role> roles, Function<HearthConfig, BackupEngine> engines) throws IOException {
        HearthServer server = HearthServer.start(HearthConfig.from(IniFile.parse(lines, "test")), roles, engines);
        servers.add(server);
        return server;
    }

    /** For processes that must never open the backup engine (no backup role). */
    static Function<HearthConfig, BackupEngine> noEngine() {
        return config -> {
            throw new AssertionError("only backup services open the engine");
        };
    }

    /** A client of {@code api}'s Cinder API as the demo project's admin. */
    static Http client(HearthServer api) {
        return new Http("http://127.0.0.1:" + api.port(), "admin:demo", "3.71");
    }

    /** Stops one process, as a host going away. */
    void stop(HearthServer server) throws Exception {
        servers.remove(server);
        server.close();
    }

    /** Stops every process; the broker stays for the ones a test starts next. */
    void stopAll() throws Exception {
        for (HearthServer server : servers.reversed()) {
            server.close();
        }
        servers.clear();
    }

    @Override
    public void close() throws Exception {
        try {
            stopAll();
        } finally {
            broker.close();
        }
    }
}
