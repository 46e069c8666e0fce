package io.hearth.service;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh, empty database for one test, on the database the run names with the system property
 * {@code hearth.test.database}: {@code h2} (the default: the service's own file under the test's state path),
 * {@code postgresql} or {@code mariadb} (a real server; {@code hearth.test.postgresql} and {@code hearth.test.mariadb}
 * give its host:port, by default the usual port on 127.0.0.1, reached as postgres or root without a password).
 * Each gets a database of a unique name, dropped on close, so parallel runs do not meet.
 */
public final class TestDatabase implements AutoCloseable {
    public enum Kind { H2, POSTGRESQL, MARIADB }

    private final Kind kind;
    private final String host;
    private final int port;
    private final String name;

    private TestDatabase(Kind kind, String host, int port, String name) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.name = name;
    }

    public static Kind configuredKind() {
        return Kind.valueOf(System.getProperty("hearth.test.database", "h2").strip().toUpperCase(Locale.ROOT));
    }

    public static TestDatabase create() {
        Kind kind = configuredKind();
        if (kind == Kind.H2) {
            return new TestDatabase(kind, null, 0, null);
        }
        String address = System.getProperty("hearth.test." + kind.name().toLowerCase(Locale.ROOT),
                kind == Kind.POSTGRESQL ? "127.0.0.1:5432" : "127.0.0.1:3306");
        int colon = address.lastIndexOf(':');
        String name = "hearth_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        TestDatabase database = new TestDatabase(kind, address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), name);
        // The server's own defaults (MariaDB's case-insensitive collation included): the migrations must cope with them.
        database.admin("CREATE DATABASE " + name);
        return database;
    }

    public Kind kind() {
        return kind;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The {@code [database]} lines of a hearth.conf for this database, as an operator writes them (SQLAlchemy URLs). */
    public List<String> iniLines() {
        return iniLines(host, port);
    }

    /** The same, reaching the server at another address (a proxy in front of it). */
    public List<String> iniLines(String viaHost, int viaPort) {
        List<String> lines = new ArrayList<>();
        switch (kind) {
            case H2 -> { }
            case POSTGRESQL -> lines.addAll(List.of("[database]", "connection = postgresql://postgres@" + viaHost + ":" + viaPort + "/" + name));
            case MARIADB -> lines.addAll(List.of("[database]",
                    "connection = mysql+pymysql://root@" + viaHost + ":" + viaPort + "/" + name + "?charset=utf8mb4"));
        }
        return lines;
    }

    private void admin(String sql) {
        String url = kind == Kind.POSTGRESQL ? "jdbc:postgresql://" + host + ":" + port + "/postgres" : "jdbc:mariadb://" + host + ":" + port + "/";
        try (Connection connection = DriverManager.getConnection(url, kind == Kind.POSTGRESQL ? "postgres" : "root", "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(kind + " at " + host + ":" + port + " refused '" + sql + "' (is the server running? "
                    + "see docs/service.md, Databases): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (kind == Kind.POSTGRESQL) {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } else if (kind == Kind.MARIADB) {
            admin("DROP DATABASE IF EXISTS " + name);
        }
    }
}
