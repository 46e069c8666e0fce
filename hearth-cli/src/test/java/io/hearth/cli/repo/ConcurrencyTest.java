package io.hearth.cli.repo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.engine.block.BlockId;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several processes on one repository: two backups at once, and gc beside a running backup. */
class ConcurrencyTest {
    static final int BLOCK = RepoCommandsTest.BLOCK;

    @TempDir
    Path dir;

    @Test
    void twoBackupsAtOnceOfSourcesSharingBlocksBothRestore() throws Exception {
        RepoCli cli = new RepoCli(dir.resolve("repo"), dir.resolve("cache"));
        cli.ok("init", RepoCommandsTest.SMALL_REPO);
        Path left = Images.mixed(dir.resolve("left"), 4 * 1024 * 1024, 31);
        Path right = Images.mutated(left, dir.resolve("right"), 100, 32);

        // Each process has its own index cache, as two hosts would.
        RepoCli otherHost = new RepoCli(cli.repo, dir.resolve("cache-2"));
        Process one = cli.start(dir.resolve("left.log"), "backup", "--source", left.toString(), "--id", "left");
        Process two = otherHost.start(dir.resolve("right.log"), "backup", "--source", right.toString(), "--id", "right");
        assertThat(ChildProcesses.awaitExit(one)).as(ChildProcesses.log(dir.resolve("left.log"))).isZero();
        assertThat(ChildProcesses.awaitExit(two)).as(ChildProcesses.log(dir.resolve("right.log"))).isZero();

        assertThat(cli.backupIds()).containsExactlyInAnyOrder("left", "right");
        assertThat(cli.ok("verify", "--read-data").json().get("ok").asBoolean()).isTrue();
        for (RepoCli user : List.of(cli, otherHost)) {
            for (String id : List.of("left", "right")) {
                Path restored = dir.resolve("restored-" + id);
                user.ok("restore", id, "--target", restored.toString());
                assertThat(Files.mismatch(restored, dir.resolve(id))).as("restore of " + id).isEqualTo(-1);
            }
        }
    }

    @Test
    void backupsStartingWhileGcRunsSucceed() throws Exception {
        backupsWhileGcRunsAllTheTime(new RepoCli(dir.resolve("repo"), dir.resolve("gc-cache")), 8);
    }

    @Test
    void aBackupAndAGcSharingTheLocalIndexCacheBothSucceed() throws Exception {
        backupsWhileGcRunsAllTheTime(new RepoCli(dir.resolve("repo"), dir.resolve("cache")), 8);
    }

    /** Runs gc in a loop while backups (child processes with the cache {@code dir/cache}) start, run and commit. */
    private void backupsWhileGcRunsAllTheTime(RepoCli gcUser, int backups) throws Exception {
        RepoCli cli = new RepoCli(dir.resolve("repo"), dir.resolve("cache"));
        cli.ok("init", RepoCommandsTest.SMALL_REPO);
        cli.backup(Images.mixed(dir.resolve("old"), 2 * 1024 * 1024, 61), "old");
        cli.ok("delete", "old"); // garbage for every gc to work on
        List<String> failedGcs = new ArrayList<>();
        int gcs = 0;
        for (int i = 0; i < backups; i++) {
            Path image = Images.mixed(dir.resolve("image-" + i), 1024 * 1024, 62 + i);
            Path log = dir.resolve("backup-" + i + ".log");
            Process backup = cli.start(log, "backup", "--source", image.toString(), "--id", "b" + i);
            while (backup.isAlive()) { // gc all the time: while the backup starts, runs and commits
                RepoCli.Result gc = gcUser.run("gc", "--grace", "0");
                gcs++;
                if (gc.exit() != 0) {
                    failedGcs.add(gc.toString());
                }
            }
            assertThat(ChildProcesses.awaitExit(backup)).as("backup %d beside %d gcs: %s", i, gcs, ChildProcesses.log(log)).isZero();
        }
        assertThat(failedGcs).as("gcs that failed beside backups").isEmpty();
        assertThat(cli.ok("verify", "--read-data").json().get("ok").asBoolean()).isTrue();
        for (int i = 0; i < backups; i++) {
            Path restored = dir.resolve("restored-" + i);
            cli.ok("restore", "b" + i, "--target", restored.toString());
            assertThat(Files.mismatch(restored, dir.resolve("image-" + i))).isEqualTo(-1);
        }
    }

    @Test
    void gcBesideARunningBackupNeverRemovesWhatTheBackupWillReference() throws Exception {
        RepoCli cli = new RepoCli(dir.resolve("repo"), dir.resolve("cache"));
        cli.ok("init", RepoCommandsTest.SMALL_REPO);
        Path old = Images.mixed(dir.resolve("old"), 4 * 1024 * 1024, 41);
        Path older = Images.mutated(old, dir.resolve("older"), 200, 42);
        cli.backup(older, "older");
        cli.backup(old, "old");
        // The new image starts with the old one: the backup finds those blocks in packs that are garbage
        // once the old backups are deleted.
        Path fresh = Images.mixed(dir.resolve("tail"), 6 * 1024 * 1024, 43);
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        image.write(Images.read(old));
        image.write(Images.read(fresh));
        Path big = Files.write(dir.resolve("big"), image.toByteArray());
        cli.ok("delete", "older");
        cli.ok("delete", "old");

        Set<String> locks = ChildProcesses.locks(cli.repo);
        Process backup = cli.start(dir.resolve("backup.log"), "backup", "--source", big.toString(), "--id", "big");
        ChildProcesses.awaitNewLockOrExit(backup, cli.repo, locks);
        // gc runs with a cache of its own, as on another host (the shared-cache case: aBackupAndAGcSharingTheLocalIndexCache...)
        RepoCli gcHost = new RepoCli(cli.repo, dir.resolve("gc-cache"));
        List<String> gcs = new ArrayList<>();
        int besideTheBackup = 0;
        long deadline = System.nanoTime() + ChildProcesses.DEADLINE.toNanos();
        while (backup.isAlive() && System.nanoTime() < deadline) {
            RepoCli.Result gc = gcHost.run("gc", "--grace", "0");
            gcs.add(gc.exit() == 0 ? gc.out().strip() : gc.toString());
            assertThat(gc.exit()).as("gc beside the backup: " + gcs).isZero();
            if (backup.isAlive()) {
                besideTheBackup++;
            }
        }
        assertThat(ChildProcesses.awaitExit(backup)).as(ChildProcesses.log(dir.resolve("backup.log"))).isZero();
        assertThat(besideTheBackup).as("gc runs that ended while the backup was running: " + gcs).isPositive();

        assertThat(cli.ok("verify", "big", "--read-data").json().get("ok").asBoolean()).as("after gcs " + gcs).isTrue();
        Path restored = dir.resolve("restored");
        cli.ok("restore", "big", "--target", restored.toString());
        assertThat(Files.mismatch(restored, big)).isEqualTo(-1);

        // Once the backup has committed, gc finishes the job: the garbage goes, the backup stays whole.
        JsonNode gc = cli.ok("gc", "--grace", "0").json();
        assertThat(gc.get("packs_pending").asLong()).isZero();
        Set<BlockId> needed = new HashSet<>(RepoFiles.neededBlobs(Images.read(big), BLOCK));
        for (Path pack : RepoFiles.packs(cli.repo)) {
            assertThat(RepoFiles.header(cli.repo, pack)).as("pack %s holds nothing the backup needs", pack).anyMatch(e -> needed.contains(e.id()));
        }
        assertThat(cli.ok("verify", "--read-data").json().get("ok").asBoolean()).isTrue();
        Files.delete(restored);
        cli.ok("restore", "big", "--target", restored.toString());
        assertThat(Files.mismatch(restored, big)).isEqualTo(-1);
    }
}
