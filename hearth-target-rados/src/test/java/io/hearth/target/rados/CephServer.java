package io.hearth.target.rados;

import io.hearth.engine.target.TargetOptions;
import io.hearth.engine.target.TargetServerScript;
import java.nio.file.Path;

/** The single-node Ceph the tests use: {@code scripts/targets/ceph.sh up}, once per test JVM. */
final class CephServer {
    private static final TargetServerScript SCRIPT = new TargetServerScript("ceph", Path.of(".."));

    private CephServer() {}

    /** backup_ceph_conf and backup_ceph_user for its pool {@code backups} (and the s3 options of its RGW). */
    static TargetOptions options() {
        return SCRIPT.options();
    }
}
