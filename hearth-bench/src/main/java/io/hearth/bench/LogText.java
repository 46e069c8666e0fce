package io.hearth.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Log-like text: timestamped lines from a few hosts, services and threads, with message templates,
 * recurring volume ids, fresh request ids and numbers. zstd -1 compresses it about 4x, like real
 * service logs. Deterministic for a given seed.
 */
final class LogText {
    private static final String[] HOSTS = {"node-01", "node-02", "node-03", "node-04", "node-05", "node-06", "node-07", "node-08"};
    private static final String[] SERVICES = {"hearth-api", "hearth-volume", "hearth-backup", "hearth-scheduler", "nginx", "kernel"};
    private static final String[] LEVELS = {"INFO ", "INFO ", "INFO ", "INFO ", "DEBUG", "DEBUG", "WARN ", "ERROR"};
    private static final String[] LOGGERS = {
        "io.hearth.service.api.VolumesResource", "io.hearth.service.backup.BackupManager",
        "io.hearth.service.volume.VolumeManager", "io.hearth.service.scheduler.FilterScheduler",
        "io.hearth.engine.repository.DefaultRepository", "io.hearth.service.rpc.AmqpBus",
        "org.eclipse.jetty.server.RequestLog", "com.zaxxer.hikari.pool.HikariPool"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    private static final String[] PATHS = {"/v3/%s/volumes/%s", "/v3/%s/backups/%s", "/v3/%s/snapshots/%s",
        "/v3/%s/volumes/%s/action", "/v3/%s/backups/%s/restore"};
    private static final int[] STATUSES = {200, 200, 200, 200, 202, 202, 204, 400, 404, 409};

    private final SplittableRandom random;
    private final String[] volumeIds = new String[4096];
    private final String[] projectIds = new String[16];
    private long micros;
    private final StringBuilder line = new StringBuilder(256);
    private byte[] pending = new byte[0];
    private int pendingOffset;

    LogText(long seed) {
        random = new SplittableRandom(seed);
        for (int i = 0; i < volumeIds.length; i++) {
            volumeIds[i] = uuid();
        }
        for (int i = 0; i < projectIds.length; i++) {
            projectIds[i] = hex(16);
        }
        // Some moment in 2025-2026, in microseconds.
        micros = 1_735_689_600_000_000L + random.nextLong(31_536_000_000_000L);
    }

    /** Fills {@code out[offset, offset+length)} with the next bytes of the log. */
    void fill(byte[] out, int offset, int length) {
        while (length > 0) {
            if (pendingOffset == pending.length) {
                pending = nextLine().getBytes(StandardCharsets.ISO_8859_1);
                pendingOffset = 0;
            }
            int n = Math.min(length, pending.length - pendingOffset);
            System.arraycopy(pending, pendingOffset, out, offset, n);
            pendingOffset += n;
            offset += n;
            length -= n;
        }
    }

    private String nextLine() {
        micros += 1 + random.nextInt(20_000);
        line.setLength(0);
        timestamp(micros);
        int host = random.nextInt(HOSTS.length);
        int service = random.nextInt(SERVICES.length);
        line.append(' ').append(HOSTS[host]).append(' ').append(SERVICES[service]).append('[')
                .append(1000 + host * 137 + service * 11).append("]: ");
        line.append(LEVELS[random.nextInt(LEVELS.length)]).append(" [worker-").append(random.nextInt(16)).append("] ");
        String volume = volumeIds[random.nextInt(volumeIds.length)];
        String project = projectIds[random.nextInt(projectIds.length)];
        switch (random.nextInt(7)) {
            case 0, 1 -> {
                line.append(LOGGERS[6]).append(" - 10.0.").append(random.nextInt(4)).append('.').append(random.nextInt(256))
                        .append(" \"").append(METHODS[random.nextInt(METHODS.length)]).append(' ')
                        .append(PATHS[random.nextInt(PATHS.length)].formatted(project, volume))
                        .append(" HTTP/1.1\" ").append(STATUSES[random.nextInt(STATUSES.length)]).append(' ')
                        .append(random.nextInt(4096)).append(' ').append(random.nextInt(900) + 1).append("ms req-").append(uuid());
            }
            case 2 -> line.append(LOGGERS[1]).append(" - backup ").append(uuid()).append(" of volume ").append(volume)
                    .append(" finished: ").append(random.nextLong(1L << 34)).append(" bytes read, ")
                    .append(random.nextLong(1L << 30)).append(" bytes stored in ").append(random.nextInt(600_000)).append(" ms");
            case 3 -> line.append(LOGGERS[2]).append(" - volume ").append(volume).append(" status changed from ")
                    .append(random.nextBoolean() ? "available to in-use" : "in-use to available")
                    .append(" (attachment ").append(uuid()).append(')');
            case 4 -> line.append(LOGGERS[3]).append(" - scheduled volume ").append(volume).append(" on host ")
                    .append(HOSTS[random.nextInt(HOSTS.length)]).append("@lvm#pool").append(random.nextInt(4))
                    .append(" weight=").append(random.nextInt(1000)).append(" free_capacity_gb=").append(random.nextInt(100_000));
            case 5 -> line.append(LOGGERS[7]).append(" - HikariPool-1 - Pool stats (total=").append(10).append(", active=")
                    .append(random.nextInt(11)).append(", idle=").append(random.nextInt(11)).append(", waiting=")
                    .append(random.nextInt(3)).append(')');
            default -> line.append(LOGGERS[5]).append(" - delivered message ").append(hex(12)).append(" to queue hearth.")
                    .append(SERVICES[random.nextInt(4)].substring(7)).append('.').append(HOSTS[random.nextInt(HOSTS.length)])
                    .append(" (").append(random.nextInt(65536)).append(" bytes)");
        }
        return line.append('\n').toString();
    }

    private void timestamp(long us) {
        long seconds = us / 1_000_000;
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(seconds, 0, java.time.ZoneOffset.UTC);
        line.append(t.getYear()).append('-');
        two(t.getMonthValue()).append('-');
        two(t.getDayOfMonth()).append('T');
        two(t.getHour()).append(':');
        two(t.getMinute()).append(':');
        two(t.getSecond()).append('.');
        String frac = Long.toString(1_000_000 + us % 1_000_000);
        line.append(frac, 1, 7).append('Z');
    }

    private StringBuilder two(int v) {
        return line.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private String uuid() {
        String h = hex(16);
        return h.substring(0, 8) + '-' + h.substring(8, 12) + '-' + h.substring(12, 16) + '-' + h.substring(16, 20) + '-' + h.substring(20);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private String hex(int bytes) {
        char[] c = new char[bytes * 2];
        for (int i = 0; i < bytes; i++) {
            int b = random.nextInt(256);
            c[2 * i] = HEX[b >>> 4];
            c[2 * i + 1] = HEX[b & 15];
        }
        return new String(c);
    }
}
