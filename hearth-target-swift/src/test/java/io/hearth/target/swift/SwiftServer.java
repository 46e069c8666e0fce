package io.hearth.target.swift;

import io.hearth.engine.target.TargetOptions;
import io.hearth.engine.target.TargetServerScript;
import java.nio.file.Path;

/** The real Swift the tests use: {@code scripts/targets/swift.sh up}, once per test JVM. */
final class SwiftServer {
    private static final TargetServerScript SCRIPT = new TargetServerScript("swift", Path.of(".."));

    private SwiftServer() {}

    /** The options (BACKUP_SWIFT_* as cinder names) that reach the running Swift as test:tester. */
    static TargetOptions options() {
        return SCRIPT.options();
    }
}
