package io.hearth.service.server;

import io.hearth.service.FakeBackupEngine;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * A backup service in its own JVM for the kill test: its backups hold until the process dies, so the test can
 * SIGKILL it mid-backup. Arguments: the configuration file and the fake repository directory.
 */
public final class BackupHostProcess {
    private BackupHostProcess() {}

    public static void main(String[] args) throws Exception {
        FakeBackupEngine engine = new FakeBackupEngine(Path.of(args[1]));
        engine.hold();
        HearthServer.start(HearthConfig.from(IniFile.read(Path.of(args[0]))), EnumSet.of(Role.BACKUP), c -> engine);
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
