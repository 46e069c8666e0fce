package io.hearth.cli.repo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL real child processes running backup, delete and gc at random points. Afterwards the
 * repository verifies, every committed backup restores, and gc reclaims everything the killed
 * processes left behind. Rerun a failure with {@code -Dhearth.crash.seed=SEED}.
 */
class CrashSafetyTest {
    static final int BLOCK = RepoCommandsTest.BLOCK;
    static final int ROUNDS = 14;

    @TempDir
    Path dir;
    RepoCli cli;
    final List<Path> sources = new ArrayList<>();
    /** Backups known to be committed (their process said so), by id, with their source. */
    final Map<String, Path> committed = new LinkedHashMap<>();
    /** Backups that may or may not be committed: killed backups, and killed deletes of committed ones. */
    final Map<String, Path> maybe = new LinkedHashMap<>();
    final List<String> history = new ArrayList<>();

    @Test
    void killedBackupsDeletesAndGcsLeaveARepositoryThatVerifiesRestoresAndGetsCleanedUp() throws Exception {
        long seed = Long.getLong("hearth.crash.seed", System.nanoTime());
        try {
            run(new Random(seed));
        } catch (AssertionError | Exception e) {
            throw new AssertionError("crash test failed with seed " + seed + " (rerun with -Dhearth.crash.seed=" + seed + ")\n"
                    + String.join("\n", history), e);
        }
    }

    private void run(Random random) throws Exception {
        cli = new RepoCli(dir.resolve("repo"), dir.resolve("cache"));
        cli.ok("init", RepoCommandsTest.SMALL_REPO);
        Path base = Images.mixed(dir.resolve("base"), 4 * 1024 * 1024 - 3000, random.nextLong());
        sources.add(base);
        sources.add(Images.mutated(base, dir.resolve("base-1"), 40, random.nextLong()));
        sources.add(Images.mutated(base, dir.resolve("base-2"), 200, random.nextLong()));
        sources.add(Images.mixed(dir.resolve("other"), 3 * 1024 * 1024, random.nextLong()));
        cli.backup(base, "initial");
        committed.put("initial", base);

        for (int round = 0; round < ROUNDS; round++) {
            int op = random.nextInt(10);
            if (op < 5) {
                killBackup(round, random);
            } else if (op < 7 && !committed.isEmpty()) {
                killDelete(round, random);
            } else {
                killGc(round, random);
            }
        }
        checkRepository();
    }

    private void killBackup(int round, Random random) throws Exception {
        String id = "backup-" + round;
        Path source = sources.get(random.nextInt(sources.size()));
        List<String> args = new ArrayList<>(List.of("--source", source.toString(), "--id", id));
        String parent = committed.keySet().stream().filter(b -> committed.get(b).toFile().length() == source.toFile().length())
                .findFirst().orElse(null);
        if (parent != null && random.nextBoolean()) {
            args.addAll(List.of("--parent", parent));
        }
        Set<String> locks = ChildProcesses.locks(cli.repo);
        Path log = dir.resolve(id + ".log");
        Process process = cli.start(log, "backup", args.toArray(String[]::new));
        ChildProcesses.awaitNewLockOrExit(process, cli.repo, locks);
        long delay = random.nextInt(1500);
        boolean killed = ChildProcesses.killAfter(process, delay);
        history.add("round " + round + ": backup " + args + (killed ? " killed " + delay + " ms after taking its lock" : " ended"));
        if (killed) {
            maybe.put(id, source);
        } else {
            assertThat(process.exitValue()).as(ChildProcesses.log(log)).isZero();
            committed.put(id, source);
        }
    }

    private void killDelete(int round, Random random) throws Exception {
        List<String> ids = new ArrayList<>(committed.keySet());
        String id = ids.get(random.nextInt(ids.size()));
        Path log = dir.resolve("delete-" + round + ".log");
        Process process = cli.start(log, "delete", id);
        long delay = random.nextInt(1500); // the JVM's start-up is part of the window: a delete has no lock to wait for
        boolean killed = ChildProcesses.killAfter(process, delay);
        history.add("round " + round + ": delete " + id + (killed ? " killed " + delay + " ms after start" : " ended"));
        Path source = committed.remove(id);
        if (killed) {
            maybe.put(id, source);
        } else {
            assertThat(process.exitValue()).as(ChildProcesses.log(log)).isZero();
        }
    }

    private void killGc(int round, Random random) throws Exception {
        Set<String> locks = ChildProcesses.locks(cli.repo);
        Path log = dir.resolve("gc-" + round + ".log");
        Process process = cli.start(log, "gc", "--grace", "0");
        ChildProcesses.awaitNewLockOrExit(process, cli.repo, locks);
        long delay = random.nextInt(600);
        boolean killed = ChildProcesses.killAfter(process, delay);
        history.add("round " + round + ": gc" + (killed ? " killed " + delay + " ms after taking its lock" : " ended"));
        if (!killed) {
            assertThat(process.exitValue()).as(ChildProcesses.log(log)).isZero();
        }
    }

    private void checkRepository() throws Exception {
        // repo ls lists committed backups only
        List<String> listed = cli.backupIds();
        history.add("listed: " + listed);
        assertThat(listed).containsAll(committed.keySet());
        Set<String> possible = new HashSet<>(committed.keySet());
        possible.addAll(maybe.keySet());
        assertThat(possible).containsAll(listed);

        assertVerifiesAndRestores(listed);

        // gc reclaims whatever the killed processes left: twice, as a gc killed while publishing may leave a list to finish
        assertThat(cli.ok("gc", "--grace", "0").json().get("packs_pending").asLong()).isZero();
        // A lock's temporary file is left alone until it is 30 s old (a lock is written before it is live): age the
        // ones a kill just left, as time would.
        for (Path file : ChildProcesses.strayTemporaryFiles(cli.repo.resolve("locks"))) {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        }
        cli.ok("gc", "--grace", "0");
        assertThat(ChildProcesses.strayTemporaryFiles(cli.repo)).as("temporary files of killed processes").isEmpty();
        assertThat(ChildProcesses.locks(cli.repo)).as("locks of killed processes").isEmpty();
        assertThat(RepoFiles.files(cli.repo.resolve("gc"))).as("pending deletions").isEmpty();
        List<Path> packFiles = RepoFiles.files(cli.repo.resolve("packs")).stream().filter(p -> !ChildProcesses.isTemporary(p)).toList();
        assertThat(packFiles).as("only packs under packs/").allMatch(p -> PackId.fromKey(cli.repo.relativize(p).toString()) != null);

        // every pack left holds something a listed backup needs (computed from the sources, not by the engine)
        Set<BlockId> needed = new HashSet<>();
        for (String id : listed) {
            needed.addAll(RepoFiles.neededBlobs(Images.read(source(id)), BLOCK));
        }
        for (Path pack : packFiles) {
            List<PackEntry> entries = RepoFiles.header(cli.repo, pack);
            assertThat(entries).as("pack %s holds no blob any backup needs", pack).anyMatch(e -> needed.contains(e.id()));
        }
        assertVerifiesAndRestores(listed);
    }

    @Test
    void aKilledBackupCanBeRunAgainUnderTheSameId() throws Exception {
        cli = new RepoCli(dir.resolve("repo"), dir.resolve("cache"));
        cli.ok("init", RepoCommandsTest.SMALL_REPO);
        Path source = Images.mixed(dir.resolve("image"), 6 * 1024 * 1024, 6);
        Process process = cli.start(dir.resolve("backup.log"), "backup", "--source", source.toString(), "--id", "again");
        // Killed once its first pack is in place, with about a hundred 64 KiB packs still to write and fsync.
        ChildProcesses.awaitPackOrExit(process, cli.repo);
        assertThat(ChildProcesses.killAfter(process, 0)).as("the backup ended before it could be killed: %s",
                ChildProcesses.log(dir.resolve("backup.log"))).isTrue();
        assertThat(cli.backupIds()).isEmpty();

        JsonNode backup = cli.backup(source, "again");
        assertThat(backup.get("backup_id").asText()).isEqualTo("again");
        Path restored = dir.resolve("restored");
        cli.ok("restore", "again", "--target", restored.toString());
        assertThat(Images.read(restored)).isEqualTo(Images.read(source));
        assertThat(cli.ok("verify", "--read-data").json().get("ok").asBoolean()).isTrue();
    }

    @Test
    void gcRemovesTheTemporaryFilesOfKilledWriters() throws Exception {
        cli = new RepoCli(dir.resolve("repo"), dir.resolve("cache"));
        cli.ok("init", RepoCommandsTest.SMALL_REPO);
        Path source = Images.mixed(dir.resolve("image"), 6 * 1024 * 1024, 5);
        Random random = new Random(5);
        for (int attempt = 0; attempt < 20 && ChildProcesses.strayTemporaryFiles(cli.repo).isEmpty(); attempt++) {
            Set<String> locks = ChildProcesses.locks(cli.repo);
            Process process = cli.start(dir.resolve("backup.log"), "backup", "--source", source.toString());
            ChildProcesses.awaitNewLockOrExit(process, cli.repo, locks);
            ChildProcesses.killAfter(process, 200 + random.nextInt(800));
        }
        // Kills land inside a write only now and then: if none did, leave what such a kill leaves.
        // On a loaded machine every kill may even come before the first pack, so the directory may be absent too.
        if (ChildProcesses.strayTemporaryFiles(cli.repo).isEmpty()) {
            Path packs = Files.createDirectories(cli.repo.resolve("packs").resolve("00"));
            Files.write(packs.resolve(".tmp-" + java.util.UUID.randomUUID()), new byte[4096]);
        }
        // Leftovers are old by the time gc comes (gc never takes a temporary lock file younger than
        // 30 s for abandoned: it may be a lock being taken).
        for (Path leftover : ChildProcesses.strayTemporaryFiles(cli.repo)) {
            Files.setLastModifiedTime(leftover, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(120)));
        }
        Path lockBeingTaken = cli.repo.resolve("locks").resolve(".tmp-" + java.util.UUID.randomUUID());
        Files.createDirectories(lockBeingTaken.getParent());
        Files.write(lockBeingTaken, new byte[100]);

        cli.ok("gc", "--grace", "0");
        cli.ok("gc", "--grace", "0");
        assertThat(ChildProcesses.strayTemporaryFiles(cli.repo)).as("temporary files left by killed backups")
                .containsExactly(lockBeingTaken);
    }

    private Path source(String id) {
        return committed.containsKey(id) ? committed.get(id) : maybe.get(id);
    }

    private void assertVerifiesAndRestores(List<String> listed) {
        RepoCli.Result verify = cli.run("verify", "--read-data");
        assertThat(verify.exit()).as(verify.toString()).isZero();
        assertThat(verify.json().get("backups_checked").asInt()).isEqualTo(listed.size());
        for (String id : listed) {
            Path restored = dir.resolve("restored-" + id);
            cli.ok("restore", id, "--target", restored.toString());
            assertThat(Images.read(restored)).as("restore of " + id).isEqualTo(Images.read(source(id)));
        }
    }
}
