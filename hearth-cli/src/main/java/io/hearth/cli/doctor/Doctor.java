package io.hearth.cli.doctor;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetLocation;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.db.Database;
import io.hearth.service.rpc.TransportUrl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks of {@code hearth doctor}, in order: the configuration parses; the database answers (and how far its
 * schema is); the message broker answers (if {@code transport_url} is set); the backup target is reachable; the NBD
 * port can be bound. Nothing is changed: no migration runs, no repository or directory is created.
 */
public final class Doctor {
    private final Optional<Path> configFile;

    public Doctor(Optional<Path> configFile) {
        this.configFile = configFile;
    }

    public List<Check> run() {
        List<Check> checks = new ArrayList<>();
        HearthConfig config;
        try {
            config = HearthConfig.from(configFile.map(IniFile::read).orElseGet(IniFile::empty));
            checks.add(Check.ok("config", configFile.map(f -> f + " parsed").orElse("no --config: every default applies")));
        } catch (RuntimeException e) {
            checks.add(Check.fail("config", e.getMessage() + "; fix the file and run hearth doctor again"));
            return checks;
        }
        checks.add(database(config));
        checks.add(bus(config));
        checks.add(target(config));
        checks.add(nbdPort(config));
        return checks;
    }

    static Check database(HearthConfig config) {
        String jdbc = config.database().url().jdbcUrl();
        if (jdbc.startsWith("jdbc:h2:file:")) {
            Path file = Path.of(jdbc.substring("jdbc:h2:file:".length()).split(";", 2)[0] + ".mv.db");
            if (!Files.exists(file)) {
                return Check.ok("database", "H2 at " + file + " does not exist yet; the first start creates it");
            }
        }
        try {
            Database.MigrationState state = Database.migrationState(config.database().url());
            return Check.ok("database", "connected to " + config.database() + "; schema version "
                    + (state.currentVersion() == null ? "none" : state.currentVersion())
                    + (state.pending() == 0 ? ", up to date" : ", " + state.pending() + " migration(s) pending (applied at the next start)"));
        } catch (RuntimeException e) {
            return Check.fail("database", "cannot use " + config.database() + ": " + rootMessage(e)
                    + "; check [database] connection and that the database server runs and accepts this user");
        }
    }

    static Check bus(HearthConfig config) {
        if (config.transportUrl() == null) {
            return Check.ok("bus", "no transport_url: every role runs in one process on the in-process bus");
        }
        TransportUrl url;
        try {
            url = TransportUrl.parse(config.transportUrl());
        } catch (RuntimeException e) {
            return Check.fail("bus", e.getMessage() + "; transport_url looks like rabbit://user:password@host:5672/");
        }
        ConnectionFactory factory = url.connectionFactory();
        factory.setConnectionTimeout(5_000);
        factory.setAutomaticRecoveryEnabled(false);
        try (Connection connection = factory.newConnection("hearth doctor")) {
            return Check.ok("bus", "RabbitMQ at " + url + " accepted the connection (control_exchange " + config.controlExchange() + ")");
        } catch (Exception e) {
            return Check.fail("bus", "cannot reach RabbitMQ at " + url + ": " + rootMessage(e)
                    + "; start RabbitMQ or fix transport_url (host, port, user, password, virtual host)");
        }
    }

    static Check target(HearthConfig config) {
        BackupTargets targets = BackupTargets.installed();
        TargetLocation location;
        try {
            location = config.backupTarget().location(targets);
        } catch (RuntimeException e) {
            return Check.fail("backup target", e.getMessage());
        }
        if (location.scheme().equals("file")) {
            return posix(Path.of(location.path()));
        }
        try (BackupTarget target = targets.open(location, config.backupTarget().options())) {
            boolean repository = target.stat("config").isPresent();
            return Check.ok("backup target", location.display() + " reachable; "
                    + (repository ? "a repository is there" : "no repository yet, the first backup creates it"));
        } catch (IOException | RuntimeException e) {
            return Check.fail("backup target", "cannot open " + location.display() + ": " + rootMessage(e)
                    + "; check backup_driver and that driver's options (endpoint, credentials, bucket or container)");
        }
    }

    /** A local directory: looked at, never created. */
    private static Check posix(Path root) {
        if (Files.isDirectory(root)) {
            if (!Files.isWritable(root)) {
                return Check.fail("backup target", root + " is not writable by this user; fix its permissions or set backup_posix_path");
            }
            return Check.ok("backup target", root + (Files.exists(root.resolve("config")) ? " holds a repository"
                    : " exists; no repository yet, the first backup creates it"));
        }
        if (Files.exists(root)) {
            return Check.fail("backup target", root + " is not a directory; set backup_posix_path to a directory");
        }
        Path ancestor = root.getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null || !Files.isDirectory(ancestor) || !Files.isWritable(ancestor)) {
            return Check.fail("backup target", root + " does not exist and cannot be created (" + ancestor
                    + " is not a writable directory); create it or set backup_posix_path");
        }
        return Check.ok("backup target", root + " does not exist yet; the first backup creates it");
    }

    static Check nbdPort(HearthConfig config) {
        String address = config.nbd().address();
        int port = config.nbd().port();
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return Check.ok("nbd port", (port == 0 ? "any free port" : "port " + port) + " on " + address + " can be bound");
        } catch (IOException e) {
            return Check.fail("nbd port", "cannot listen on " + address + ":" + port + ": " + e.getMessage()
                    + "; is Hearth already running (then this is expected)? Otherwise change target_ip_address or target_port");
        }
    }

    /** The innermost cause's words: the driver's own (Flyway's and the broker client's wrappers repeat them at length). */
    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
