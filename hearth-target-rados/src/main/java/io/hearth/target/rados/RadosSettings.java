package io.hearth.target.rados;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.HearthException;
import io.hearth.engine.target.TargetLocation;
import io.hearth.engine.target.TargetOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How to reach one pool: cinder's Ceph backup options where cinder has them ({@code backup_ceph_conf},
 * {@code backup_ceph_user}, {@code backup_ceph_pool}) and cinder's RBD option {@code rados_connect_timeout};
 * Hearth's own {@code backup_ceph_op_timeout} and {@code backup_ceph_max_connections}. Timeouts are seconds; 0 waits
 * for ever, as in librados (cinder's -1 for "librados's default" is refused: say 0 or a number).
 *
 * @param namespace the RADOS namespace the repository's objects live in: the URL's prefix ({@code rados://pool/prefix})
 */
record RadosSettings(Path conf, String user, String pool, String namespace, Duration connectTimeout, Duration opTimeout,
        int maxConnections) {
    static final String DEFAULT_POOL = "backups";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    RadosSettings {
        requireNonNull(conf, "conf is null");
        requireNonNull(user, "user is null");
        requireNonNull(pool, "pool is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(opTimeout, "opTimeout is null");
    }

    static RadosSettings of(TargetLocation location, TargetOptions options) {
        String user = options.get("backup_ceph_user", "cinder");
        if (!NAME.matcher(user).matches()) {
            throw HearthException.badInput("backup_ceph_user '" + user + "' is not a Ceph client name (letters, digits, "
                    + "'.', '_', '-'; without the 'client.' prefix)");
        }
        return new RadosSettings(Path.of(options.get("backup_ceph_conf", "/etc/ceph/ceph.conf")), user,
                checkPool(location.authority()), location.path(),
                options.seconds("rados_connect_timeout", Duration.ofSeconds(30)),
                options.seconds("backup_ceph_op_timeout", Duration.ofSeconds(120)),
                options.integer("backup_ceph_max_connections", 16, 1, 256));
    }

    static String checkPool(String pool) {
        if (!NAME.matcher(pool).matches()) {
            throw HearthException.badInput("Ceph pool name '" + pool + "' may hold only letters, digits, '.', '_' and '-' "
                    + "(check backup_ceph_pool or the repository URL rados://POOL/prefix)");
        }
        return pool;
    }
}
