package io.hearth.target.swift;

import io.hearth.engine.target.TargetOptions;
import io.hearth.engine.target.TargetServerScript;
import java.nio.file.Path;

/** The real Swift (and Keystone) the tests use: {@code scripts/targets/swift.sh up}, once per test JVM. */
final class SwiftServer {
    private static final TargetServerScript SCRIPT = new TargetServerScript("swift", Path.of(".."));

    private SwiftServer() {}

    /** The options (BACKUP_SWIFT_* as cinder names) that reach the running Swift as tempauth's test:tester. */
    static TargetOptions options() {
        return SCRIPT.options("swift");
    }

    /** The options that reach it through Keystone v3 as user backup of project backups. */
    static TargetOptions keystoneOptions() {
        return SCRIPT.options("swift-keystone");
    }
}
