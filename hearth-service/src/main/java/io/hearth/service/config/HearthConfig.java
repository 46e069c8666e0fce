package io.hearth.service.config;

import io.hearth.engine.target.TargetOptions;
import io.hearth.service.auth.AuthConfig;
import io.hearth.service.error.ServiceException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The service's settings, read once at start. Option names are cinder.conf's where cinder has the option,
 * all in {@code [DEFAULT]} as in cinder.
 *
 * @param host this process's host name in the services table (cinder's {@code host})
 * @param backupMaxOperations concurrent backup and restore data operations; 0 means unlimited
 * @param backupTarget where backups go: cinder's {@code backup_driver} and the options of that driver
 */
public record HearthConfig(
        Path statePath,
        String listenHost,
        int listenPort,
        AuthConfig auth,
        BackupTargetConfig backupTarget,
        String backupCompressionAlgorithm,
        int backupMaxOperations,
        String host,
        String storageAvailabilityZone,
        int quotaVolumes,
        int quotaSnapshots,
        int quotaGigabytes,
        int quotaBackups,
        int quotaBackupGigabytes,
        int maxLimit,
        Duration serviceDownTime,
        Duration reportInterval,
        String databaseUrl) {

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
        String database = ini.get("database", "connection")
                // WRITE_DELAY=0: a request the API accepted is on disk before the answer, so a crash cannot lose it.
                .orElse("jdbc:h2:file:" + statePath.resolve("hearth") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        return new HearthConfig(
                statePath,
                ini.get("DEFAULT", "osapi_volume_listen").orElse("127.0.0.1"),
                integer(ini, "osapi_volume_listen_port", 8776, 0, 65535),
                AuthConfig.from(ini),
                backupTarget,
                ini.get("DEFAULT", "backup_compression_algorithm").orElse("zstd"),
                integer(ini, "backup_max_operations", 15, 0, 10_000),
                ini.get("DEFAULT", "host").orElseGet(HearthConfig::hostName),
                ini.get("DEFAULT", "storage_availability_zone").orElse("nova"),
                integer(ini, "quota_volumes", 10, -1, Integer.MAX_VALUE),
                integer(ini, "quota_snapshots", 10, -1, Integer.MAX_VALUE),
                integer(ini, "quota_gigabytes", 1000, -1, Integer.MAX_VALUE),
                integer(ini, "quota_backups", 10, -1, Integer.MAX_VALUE),
                integer(ini, "quota_backup_gigabytes", 1000, -1, Integer.MAX_VALUE),
                integer(ini, "osapi_max_limit", 1000, 1, Integer.MAX_VALUE),
                Duration.ofSeconds(integer(ini, "service_down_time", 60, 1, 86_400)),
                Duration.ofSeconds(integer(ini, "report_interval", 10, 1, 86_400)),
                database);
    }

    private static int integer(IniFile ini, String key, int fallback, int min, int max) {
        String value = ini.get("DEFAULT", key).orElse(null);
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

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    public HearthConfig withListenPort(int port) {
        return new HearthConfig(statePath, listenHost, port, auth, backupTarget, backupCompressionAlgorithm,
                backupMaxOperations, host, storageAvailabilityZone, quotaVolumes, quotaSnapshots, quotaGigabytes, quotaBackups,
                quotaBackupGigabytes, maxLimit, serviceDownTime, reportInterval, databaseUrl);
    }

    public Path volumesPath() {
        return statePath.resolve("volumes");
    }
}
