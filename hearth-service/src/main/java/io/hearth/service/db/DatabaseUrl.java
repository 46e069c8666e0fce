package io.hearth.service.db;

import io.hearth.service.error.ServiceException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where the database is, from cinder.conf's {@code [database] connection}: a SQLAlchemy URL as cinder takes it
 * ({@code postgresql://user:pass@host/db}, {@code mysql+pymysql://root@host/db}) or a plain JDBC URL
 * ({@code jdbc:h2:…}, {@code jdbc:postgresql:…}, {@code jdbc:mariadb:…}), resolved to what the pool needs.
 *
 * @param user null when the JDBC URL carries it (or the database needs none)
 */
public record DatabaseUrl(Vendor vendor, String jdbcUrl, String user, String password) {

    /** The databases Hearth runs on, and what each needs to keep the one schema alike. */
    public enum Vendor {
        H2("TIMESTAMP", "TEXT", "", Map.of()),
        // pgjdbc takes seconds. Connect and socket timeouts bound a request to seconds when the server is unreachable.
        POSTGRESQL("TIMESTAMP", "TEXT", "", Map.of("connectTimeout", "5", "socketTimeout", "30")),
        // DATETIME, not TIMESTAMP: no session time zone conversion and no 2038 limit. MEDIUMTEXT: TEXT stops at 64 KiB.
        // utf8mb4_nopad_bin: comparisons, unique keys and sorting are exact (case, accents, trailing spaces), as on H2 and PostgreSQL.
        // MariaDB Connector/J takes milliseconds.
        MARIADB("DATETIME(6)", "MEDIUMTEXT", " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin",
                Map.of("connectTimeout", "5000", "socketTimeout", "30000"));

        private final String timestampType;
        private final String textType;
        private final String tableOptions;
        private final Map<String, String> driverProperties;

        Vendor(String timestampType, String textType, String tableOptions, Map<String, String> driverProperties) {
            this.timestampType = timestampType;
            this.textType = textType;
            this.tableOptions = tableOptions;
            this.driverProperties = driverProperties;
        }

        /** The Flyway placeholders the migrations use where the three databases spell a type differently. */
        public Map<String, String> migrationPlaceholders() {
            return Map.of("timestamp", timestampType, "text", textType, "table_options", tableOptions);
        }

        public Map<String, String> driverProperties() {
            return driverProperties;
        }
    }

    private static final String SUPPORTED = "use postgresql://user:password@host/database, mysql+pymysql://user:password@host/database "
            + "(MariaDB), or a jdbc:h2:, jdbc:postgresql: or jdbc:mariadb: URL";

    public static DatabaseUrl parse(String connection) {
        String trimmed = connection.strip();
        if (trimmed.startsWith("jdbc:")) {
            return jdbc(trimmed);
        }
        int colon = trimmed.indexOf("://");
        String scheme = colon < 0 ? "" : trimmed.substring(0, colon).toLowerCase(Locale.ROOT);
        String dialect = scheme.contains("+") ? scheme.substring(0, scheme.indexOf('+')) : scheme;
        Vendor vendor = switch (dialect) {
            case "postgresql" -> Vendor.POSTGRESQL;
            case "mysql", "mariadb" -> Vendor.MARIADB;
            default -> throw ServiceException.badRequest("[database] connection: unsupported URL scheme '" + scheme + "'; " + SUPPORTED);
        };
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            // The message would show the password; the position is enough to find the fault.
            throw ServiceException.badRequest("[database] connection is not a valid URL (at character " + e.getIndex()
                    + "); percent-encode special characters in the user and password");
        }
        String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (database.isEmpty() || database.contains("/")) {
            throw ServiceException.badRequest("[database] connection must name the database after the host, as in "
                    + scheme + "://user@host/hearth");
        }
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        String authority = host + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        String query = vendor == Vendor.MARIADB ? withoutCharset(uri.getRawQuery()) : uri.getRawQuery();
        String jdbcUrl = "jdbc:" + (vendor == Vendor.POSTGRESQL ? "postgresql" : "mariadb") + "://" + authority + "/" + database
                + (query == null || query.isEmpty() ? "" : "?" + query);
        return new DatabaseUrl(vendor, jdbcUrl, user, password);
    }

    private static DatabaseUrl jdbc(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return new DatabaseUrl(Vendor.H2, url, null, null);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(Vendor.POSTGRESQL, url, null, null);
        }
        if (url.startsWith("jdbc:mariadb:")) {
            return new DatabaseUrl(Vendor.MARIADB, url, null, null);
        }
        if (url.startsWith("jdbc:mysql:")) {
            // MariaDB Connector/J answers jdbc:mysql: only when told to; the server is MariaDB (or MySQL) either way.
            return new DatabaseUrl(Vendor.MARIADB, "jdbc:mariadb:" + url.substring("jdbc:mysql:".length()), null, null);
        }
        String prefix = url.substring(0, url.indexOf(':', "jdbc:".length()) < 0 ? url.length() : url.indexOf(':', "jdbc:".length()));
        throw ServiceException.badRequest("[database] connection: unsupported JDBC URL '" + prefix + ":…'; " + SUPPORTED);
    }

    /** PyMySQL's charset option has no meaning here: Connector/J always speaks utf8mb4. */
    private static String withoutCharset(String query) {
        if (query == null) {
            return null;
        }
        return Arrays.stream(query.split("&")).filter(p -> !p.toLowerCase(Locale.ROOT).startsWith("charset="))
                .collect(Collectors.joining("&"));
    }

    private static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Never shows the password: this lands in logs. */
    @Override
    public String toString() {
        return vendor + " " + jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***") + (user == null ? "" : " as " + user);
    }
}
