package io.hearth.cli.repo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON and exit code of every {@code repo} command on the ordinary path. */
class RepoCommandsTest {
    /** Small blocks and packs: many packs, block lists of several pages. */
    static final String[] SMALL_REPO = {"--block-size", "4K", "--pack-size", "64K"};
    static final int BLOCK = 4096;

    @TempDir
    Path dir;
    RepoCli cli;
    Path image;

    @BeforeEach
    void setUp() {
        cli = new RepoCli(dir.resolve("repo"), dir.resolve("cache"));
        image = Images.mixed(dir.resolve("image"), 2 * 1024 * 1024 + 1000, 1);
    }

    @Test
    void initPrintsTheSettingsAndRefusesASecondInit() {
        JsonNode init = cli.ok("init", SMALL_REPO).json();
        assertThat(init.get("format_version").asInt()).isEqualTo(1);
        assertThat(init.get("block_size").asInt()).isEqualTo(BLOCK);
        assertThat(init.get("pack_size").asInt()).isEqualTo(65536);
        assertThat(init.get("compression").asText()).isEqualTo("zstd");
        assertThat(init.get("repository_id").asText()).isNotBlank();
        assertThat(cli.repo.resolve("config")).exists();

        var before = RepoFiles.snapshot(cli.repo);
        RepoCli.Result again = cli.run("init", SMALL_REPO);
        assertThat(again.exit()).as(again.toString()).isEqualTo(4);
        assertThat(again.err()).contains("already exists");
        assertThat(again.out()).isEmpty();
        assertThat(RepoFiles.snapshot(cli.repo)).isEqualTo(before);
    }

    @Test
    void backupPrintsWhatItCostAndRestoreGivesTheSameBytes() throws Exception {
        cli.ok("init", SMALL_REPO);
        long size = Files.size(image);
        long blocks = (size + BLOCK - 1) / BLOCK;
        long zeroBlocks = RepoFiles.blockIds(Images.read(image), BLOCK).stream().filter(id -> id.isZero()).count();

        JsonNode first = cli.backup(image, "first");
        assertThat(first.get("backup_id").asText()).isEqualTo("first");
        assertThat(first.get("parent_id").isNull()).isTrue();
        assertThat(first.get("source_size").asLong()).isEqualTo(size);
        assertThat(first.get("bytes_read").asLong()).isEqualTo(size);
        assertThat(first.get("blocks_total").asLong()).isEqualTo(blocks);
        assertThat(first.get("blocks_zero").asLong()).isEqualTo(zeroBlocks).isPositive();
        assertThat(first.get("blocks_new").asLong()).isPositive().isLessThan(blocks - zeroBlocks); // repeated blocks stored once
        assertThat(first.get("objects_written").asLong()).isGreaterThan(3); // several 64 KiB packs, an index object, the manifest

        JsonNode second = cli.backup(image, "second", "--parent", "first");
        assertThat(second.get("parent_id").asText()).isEqualTo("first");
        assertThat(second.get("blocks_new").asLong()).isZero();
        assertThat(second.get("bytes_new").asLong()).isZero();

        for (String id : List.of("first", "second")) {
            Path restored = dir.resolve("restored-" + id);
            JsonNode restore = cli.ok("restore", id, "--target", restored.toString()).json();
            assertThat(restore.get("backup_id").asText()).isEqualTo(id);
            assertThat(restore.get("bytes_total").asLong()).isEqualTo(size);
            assertThat(restore.get("blocks_zero").asLong()).isEqualTo(zeroBlocks);
            assertThat(Files.mismatch(restored, image)).isEqualTo(-1);
        }
    }

    @Test
    void changedRangesReadOnlyThoseRangesAndRestoreTheNewContent() throws Exception {
        cli.ok("init", SMALL_REPO);
        cli.backup(image, "base");
        Path changed = Files.copy(image, dir.resolve("changed"));
        Images.overwrite(changed, 5 * BLOCK + 100, 3000, 7); // inside block 5
        Images.overwrite(changed, 100 * BLOCK - 10, 20, 8); // across blocks 99 and 100
        Path ranges = Files.writeString(dir.resolve("ranges"), "# offset length\n" + (5 * BLOCK + 100) + " 3000\n\n" + (100 * BLOCK - 10) + " 20\n");

        JsonNode result = cli.backup(changed, "incremental", "--parent", "base", "--changed-ranges", ranges.toString());
        assertThat(result.get("bytes_read").asLong()).isEqualTo(3L * BLOCK);
        assertThat(result.get("blocks_new").asLong()).isEqualTo(3);

        Path restored = dir.resolve("restored");
        cli.ok("restore", "incremental", "--target", restored.toString());
        assertThat(Files.mismatch(restored, changed)).isEqualTo(-1);
        assertThat(cli.ok("verify", "--read-data").json().get("ok").asBoolean()).isTrue();
    }

    @Test
    void lsVerifyDeleteGcAndRebuildIndexPrintTheirResults() throws Exception {
        cli.ok("init", SMALL_REPO);
        assertThat(cli.ok("ls").json().get("backups")).isEmpty();
        Path other = Images.mixed(dir.resolve("other"), 1024 * 1024, 2);
        cli.backup(image, "a");
        cli.backup(other, "b");

        JsonNode ls = cli.ok("ls").json();
        assertThat(ls.get("backups")).hasSize(2);
        assertThat(cli.backupIds()).containsExactly("a", "b");
        assertThat(ls.get("backups").get(1).get("source_size").asLong()).isEqualTo(Files.size(other));
        assertThat(cli.run("ls").exit()).isZero();
        RepoCli.Result text = RepoCli.hearth("repo", "ls", "--repo", cli.repo.toString(), "--cache-dir", cli.cache.toString());
        assertThat(text.out()).contains("a ", "b ", "2 backups");

        JsonNode verify = cli.ok("verify").json();
        assertThat(verify.get("ok").asBoolean()).isTrue();
        assertThat(verify.get("backups_checked").asInt()).isEqualTo(2);
        assertThat(verify.get("blocks_checked").asLong()).isEqualTo((Files.size(image) + BLOCK - 1) / BLOCK + Files.size(other) / BLOCK);
        assertThat(verify.get("bytes_read").asLong()).isZero();
        assertThat(verify.get("problems")).isEmpty();
        JsonNode verifyOne = cli.ok("verify", "b", "--read-data").json();
        assertThat(verifyOne.get("backups_checked").asInt()).isEqualTo(1);
        assertThat(verifyOne.get("bytes_read").asLong()).isPositive();

        JsonNode delete = cli.ok("delete", "a").json();
        assertThat(delete.get("backup_id").asText()).isEqualTo("a");
        assertThat(delete.get("deleted").asBoolean()).isTrue();
        assertThat(cli.backupIds()).containsExactly("b");
        assertThat(cli.run("restore", "a", "--target", dir.resolve("gone").toString()).exit()).isEqualTo(3);

        long packsBefore = RepoFiles.packs(cli.repo).size();
        JsonNode kept = cli.ok("gc").json(); // default grace of 1h: the fresh packs stay
        assertThat(kept.get("packs_deleted").asLong()).isZero();
        assertThat(kept.get("packs_kept").asLong()).isEqualTo(packsBefore);
        JsonNode gc = cli.ok("gc", "--grace", "0").json();
        assertThat(gc.get("packs_deleted").asLong()).isPositive();
        assertThat(gc.get("bytes_deleted").asLong()).isPositive();
        assertThat(gc.get("packs_kept").asLong()).isEqualTo(RepoFiles.packs(cli.repo).size());
        assertThat(RepoFiles.packs(cli.repo)).hasSize((int) (packsBefore - gc.get("packs_deleted").asLong()));
        assertThat(cli.ok("gc", "--grace", "0").json().get("packs_deleted").asLong()).isZero();

        JsonNode rebuilt = cli.ok("rebuild-index").json();
        long entries = RepoFiles.packs(cli.repo).stream().mapToLong(p -> RepoFiles.header(cli.repo, p).size()).sum();
        assertThat(rebuilt.get("entries").asLong()).isEqualTo(entries);
        assertThat(cli.ok("verify", "--read-data").json().get("ok").asBoolean()).isTrue();
        Path restored = dir.resolve("restored");
        cli.ok("restore", "b", "--target", restored.toString());
        assertThat(Files.mismatch(restored, other)).isEqualTo(-1);
    }

    @Test
    void lsListsOnlyCommittedBackups() throws Exception {
        cli.ok("init", SMALL_REPO);
        cli.backup(image, "done");
        Path big = Images.mixed(dir.resolve("big"), 6 * 1024 * 1024, 4);
        var locks = ChildProcesses.locks(cli.repo);
        Process running = cli.start(dir.resolve("backup.log"), "backup", "--source", big.toString(), "--id", "running");
        ChildProcesses.awaitNewLockOrExit(running, cli.repo, locks);
        int listingsWithout = 0;
        while (running.isAlive()) {
            List<String> listed = cli.backupIds();
            // The process commits shortly before it ends, so a listing may already show it: then it must be whole.
            assertThat(listed).as("listed while the backup ran").isIn(List.of("done"), List.of("done", "running"));
            if (listed.size() == 1) {
                listingsWithout++;
            }
        }
        assertThat(ChildProcesses.awaitExit(running)).as(ChildProcesses.log(dir.resolve("backup.log"))).isZero();
        assertThat(listingsWithout).as("listings that ran while the backup was in flight").isPositive();
        assertThat(cli.backupIds()).containsExactly("done", "running");
        Path restored = dir.resolve("restored");
        cli.ok("restore", "running", "--target", restored.toString());
        assertThat(Files.mismatch(restored, big)).isEqualTo(-1);
    }

    @Test
    void aBackupIdCanBeCommittedOnlyOnce() {
        cli.ok("init", SMALL_REPO);
        cli.backup(image, "once");
        var before = RepoFiles.snapshot(cli.repo);
        RepoCli.Result again = cli.run("backup", "--source", image.toString(), "--id", "once");
        assertThat(again.exit()).as(again.toString()).isEqualTo(4);
        assertThat(again.err()).contains("once", "already exists");
        assertThat(RepoFiles.snapshot(cli.repo)).isEqualTo(before);
    }

    @Test
    void theBlockListIsTheTreeOfPagesTheDesignDescribes() {
        cli.ok("init", SMALL_REPO);
        Path big = Images.mixed(dir.resolve("big"), 4 * 1024 * 1024, 3); // 1024 blocks: four leaf pages under a root
        cli.backup(big, "tree");
        JsonNode manifest = cli.ok("ls").json().get("backups").get(0);
        var needed = RepoFiles.neededBlobs(Images.read(big), BLOCK);
        assertThat(manifest.get("block_list_root").asText()).isEqualTo(RepoFiles.root(needed).hex());
        assertThat(manifest.get("block_list_depth").asInt()).isEqualTo(1);
        var stored = RepoFiles.packs(cli.repo).stream().flatMap(p -> RepoFiles.header(cli.repo, p).stream()).map(e -> e.id()).toList();
        assertThat(stored).containsAll(needed).doesNotHaveDuplicates();
    }
}
