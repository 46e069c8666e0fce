package io.hearth.service.config;

import io.hearth.engine.target.TargetOptions;
import io.hearth.service.db.DatabaseSettings;
import io.hearth.service.db.DatabaseUrl;
import io.hearth.service.auth.AuthConfig;
import io.hearth.service.error.ServiceException;
import io.hearth.service.tls.SslOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The service's settings, read once at start. Option names are cinder.conf's where cinder has the option,
 * all in {@code [DEFAULT]} as in cinder.
 *
 * @param host this process's host name in the services table (cinder's {@code host})
 * @param reservedPercentage the share of the volumes filesystem new volumes must leave free (cinder's {@code reserved_percentage})
 * @param backupMaxOperations concurrent backup and restore data operations; 0 means unlimited
 * @param backupUseSameHost a volume is backed up and restored only by the backup service on its own host (cinder's
 *     {@code backup_use_same_host}); off: by any up backup service of the zone
 * @param backupTarget where backups go: cinder's {@code backup_driver} and the options of that driver
 * @param database {@code [database]}: {@code connection} (H2 under the state path unless set) and the pool's size
 * @param transportUrl the message broker ({@code rabbit://user:password@host:port/vhost}); null: every service in this
 *     process talks over the in-process bus
 * @param controlExchange the broker exchange of this deployment (oslo.messaging's {@code control_exchange})
 * @param rabbitQosPrefetchCount unacknowledged messages one topic consumer holds ({@code [oslo_messaging_rabbit]}); 0: no limit
 * @param nbd where volumes are served to other hosts, and the changed-block granularity
 * @param ops metrics and notifications
 * @param ssl {@code [ssl]}: the API speaks HTTPS with these PEM files when present
 * @param maxRequestBodySize the largest request body the API reads ({@code [oslo_middleware] max_request_body_size})
 * @param enableProxyHeadersParsing links in answers follow a proxy's {@code X-Forwarded-Proto/Host} and {@code Forwarded}
 *     headers ({@code [oslo_middleware] enable_proxy_headers_parsing}); off: those headers are ignored
 * @param messages how long user messages are kept, and how often expired ones are removed
 */
public record HearthConfig(
        Path statePath,
        String listenHost,
        int listenPort,
        AuthConfig auth,
        BackupTargetConfig backupTarget,
        String backupCompressionAlgorithm,
        int backupMaxOperations,
        boolean backupUseSameHost,
        String host,
        String storageAvailabilityZone,
        int reservedPercentage,
        int quotaVolumes,
        int quotaSnapshots,
        int quotaGigabytes,
        int quotaBackups,
        int quotaBackupGigabytes,
        int maxLimit,
        Duration serviceDownTime,
        Duration reportInterval,
        DatabaseSettings database,
        String transportUrl,
        String controlExchange,
        int rabbitQosPrefetchCount,
        NbdSettings nbd,
        OpsSettings ops,
        Optional<SslOptions> ssl,
        int maxRequestBodySize,
        boolean enableProxyHeadersParsing,
        MessageSettings messages) {

    /**
     * User messages: cinder's {@code message_ttl} (a message's minimum life, shown as its guaranteed_until) and
     * {@code message_reap_interval} (how often the scheduler removes expired ones).
     */
    public record MessageSettings(Duration ttl, Duration reapInterval) {}

    /**
     * The NBD export service. {@code target_ip_address} and {@code target_port} are cinder's names for where a
     * volume target listens (port 0: any free port, shown in each attachment's connection info).
     *
     * @param changedBlockGranularity bytes per bit of the changed-block map, a multiple of 64 KiB
     * @param tlsKeystore a PKCS#12 file with the server's key and certificate: exports then require TLS
     * @param tlsCaFile PEM certificates a backup host trusts for the TLS exports of volume hosts (the JDK's CAs if absent)
     */
    public record NbdSettings(String address, int port, long changedBlockGranularity, java.util.Optional<Path> tlsKeystore,
            String tlsKeystorePassword, java.util.Optional<Path> tlsCaFile) {}

    public static HearthConfig defaults() {
        return from(IniFile.empty());
    }

    public static HearthConfig from(IniFile ini) {
        Path statePath = Path.of(ini.get("DEFAULT", "state_path").orElse("./hearth-data")).toAbsolutePath().normalize();
        Path posix = ini.get("DEFAULT", "backup_posix_path").map(Path::of)
                .orElse(statePath.resolve("backup")).toAbsolutePath().normalize();
        // Every [DEFAULT] option goes to the target, which reads its own (backup_s3_*, backup_swift_*, …).
        Map<String, String> targetOptions = new HashMap<>(ini.section("DEFAULT"));
        targetOptions.put("backup_posix_path", posix.toString());
        BackupTargetConfig backupTarget = new BackupTargetConfig(
                ini.get("DEFAULT", "backup_driver").orElse(BackupTargetConfig.DEFAULT_DRIVER), new TargetOptions(targetOptions));
        DatabaseSettings database = new DatabaseSettings(DatabaseUrl.parse(ini.get("database", "connection")
                // WRITE_DELAY=0: a request the API accepted is on disk before the answer, so a crash cannot lose it.
                .orElse("jdbc:h2:file:" + statePath.resolve("hearth") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0")),
                integer(ini, "database", "max_pool_size", DatabaseSettings.DEFAULT_MAX_POOL_SIZE, 1, 1000),
                integer(ini, "database", "max_overflow", DatabaseSettings.DEFAULT_MAX_OVERFLOW, 0, 1000));
        return new HearthConfig(
                statePath,
                ini.get("DEFAULT", "osapi_volume_listen").orElse("127.0.0.1"),
                integer(ini, "osapi_volume_listen_port", 8776, 0, 65535),
                AuthConfig.from(ini),
                backupTarget,
                ini.get("DEFAULT", "backup_compression_algorithm").orElse("zstd"),
                integer(ini, "backup_max_operations", 15, 0, 10_000),
                bool(ini, "DEFAULT", "backup_use_same_host", false),
                ini.get("DEFAULT", "host").orElseGet(HearthConfig::hostName),
                ini.get("DEFAULT", "storage_availability_zone").orElse("nova"),
                integer(ini, "reserved_percentage", 0, 0, 100),
                integer(ini, "quota_volumes", 10, -1, Integer.MAX_VALUE),
                integer(ini, "quota_snapshots", 10, -1, Integer.MAX_VALUE),
                integer(ini, "quota_gigabytes", 1000, -1, Integer.MAX_VALUE),
                integer(ini, "quota_backups", 10, -1, Integer.MAX_VALUE),
                integer(ini, "quota_backup_gigabytes", 1000, -1, Integer.MAX_VALUE),
                integer(ini, "osapi_max_limit", 1000, 1, Integer.MAX_VALUE),
                Duration.ofSeconds(integer(ini, "service_down_time", 60, 1, 86_400)),
                Duration.ofSeconds(integer(ini, "report_interval", 10, 1, 86_400)),
                database,
                ini.get("DEFAULT", "transport_url").filter(url -> !url.isBlank()).orElse(null),
                ini.get("DEFAULT", "control_exchange").orElse("hearth"),
                integer(ini, "oslo_messaging_rabbit", "rabbit_qos_prefetch_count", 64, 0, 65_535),
                nbd(ini),
                OpsSettings.from(ini, integer(ini, "metrics_listen_port", -1, -1, 65535),
                        integer(ini, "backup_timer_interval", 120, 0, 86_400)),
                SslOptions.from(ini),
                // oslo.middleware's default is 112 KiB; Hearth's 1 MiB leaves room for large metadata and import records.
                integer(ini, "oslo_middleware", "max_request_body_size", 1024 * 1024, 1024, 1 << 30),
                bool(ini, "oslo_middleware", "enable_proxy_headers_parsing", false),
                new MessageSettings(Duration.ofSeconds(integer(ini, "message_ttl", 2_592_000, 1, Integer.MAX_VALUE)),
                        Duration.ofSeconds(integer(ini, "message_reap_interval", 86_400, 1, Integer.MAX_VALUE))));
    }

    private static NbdSettings nbd(IniFile ini) {
        int granularityKb = integer(ini, "changed_block_granularity_kb", 64, 64, 1 << 20);
        if (granularityKb % 64 != 0) {
            throw ServiceException.badRequest("changed_block_granularity_kb must be a multiple of 64, not " + granularityKb);
        }
        return new NbdSettings(ini.get("DEFAULT", "target_ip_address").orElse("127.0.0.1"),
                integer(ini, "target_port", 0, 0, 65535), granularityKb * 1024L,
                ini.get("DEFAULT", "nbd_tls_keystore").map(Path::of), ini.get("DEFAULT", "nbd_tls_keystore_password").orElse(""),
                ini.get("DEFAULT", "nbd_tls_ca_file").map(Path::of));
    }

    private static int integer(IniFile ini, String key, int fallback, int min, int max) {
        return integer(ini, "DEFAULT", key, fallback, min, max);
    }

    private static int integer(IniFile ini, String section, String key, int fallback, int min, int max) {
        String value = ini.get(section, key).orElse(null);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw ServiceException.badRequest(key + " must be between " + min + " and " + max + ", not " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ServiceException.badRequest(key + " must be an integer, not '" + value + "'");
        }
    }

    private static boolean bool(IniFile ini, String section, String key, boolean fallback) {
        String value = ini.get(section, key).orElse(null);
        if (value == null) {
            return fallback;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw ServiceException.badRequest(key + " must be true or false, not '" + value + "'");
        };
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    public HearthConfig withListenPort(int port) {
        return new HearthConfig(statePath, listenHost, port, auth, backupTarget, backupCompressionAlgorithm,
                backupMaxOperations, backupUseSameHost, host, storageAvailabilityZone, reservedPercentage, quotaVolumes, quotaSnapshots, quotaGigabytes, quotaBackups,
                quotaBackupGigabytes, maxLimit, serviceDownTime, reportInterval, database, transportUrl, controlExchange,
                rabbitQosPrefetchCount, nbd, ops, ssl, maxRequestBodySize, enableProxyHeadersParsing, messages);
    }

    public Path volumesPath() {
        return statePath.resolve("volumes");
    }
}
