package io.hearth.cli.repo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.pack.BlobType;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage done to a repository behind the engine's back: verify and restore must find it, name the
 * backup and the volume offset, and exit 5; the index is rebuilt from the packs.
 */
class CorruptionTest {
    static final int BLOCK = RepoCommandsTest.BLOCK;

    @TempDir
    Path dir;
    RepoCli cli;
    /** Backup id to its source image. */
    final Map<String, Path> images = new LinkedHashMap<>();
    /** The index objects written by the first backup. */
    List<Path> indexOfFirst;

    @BeforeEach
    void setUp() {
        cli = new RepoCli(dir.resolve("repo"), dir.resolve("cache"));
        cli.ok("init", RepoCommandsTest.SMALL_REPO);
        Path first = Images.mixed(dir.resolve("first"), 3 * 1024 * 1024 + 500, 21);
        Path second = Images.mutated(first, dir.resolve("second"), 60, 22);
        cli.backup(first, "first");
        indexOfFirst = RepoFiles.files(cli.repo.resolve("index"));
        cli.backup(second, "second", "--parent", "first");
        images.put("first", first);
        images.put("second", second);
    }

    /** A blob stored in some pack, with the pack file. */
    record Stored(Path pack, PackEntry entry) {}

    /** A blob that {@code which} accepts, in a pack that holds only data (or, with {@code pages}, in any pack). */
    private Stored pickBlob(Predicate<PackEntry> which) {
        return pickBlob(which, false);
    }

    private Stored pickBlob(Predicate<PackEntry> which, boolean pages) {
        for (Path pack : RepoFiles.packs(cli.repo)) {
            List<PackEntry> entries = RepoFiles.header(cli.repo, pack);
            if (!pages && entries.stream().anyMatch(e -> e.type() == BlobType.PAGE)) {
                continue;
            }
            for (PackEntry entry : entries) {
                if (which.test(entry)) {
                    return new Stored(pack, entry);
                }
            }
        }
        throw new AssertionError("no such blob in the repository");
    }

    /** Volume offsets, per backup, of the blocks whose id is {@code id}. */
    private Map<String, List<Long>> offsetsOf(BlockId id) {
        Map<String, List<Long>> offsets = new LinkedHashMap<>();
        images.forEach((backup, image) -> {
            List<BlockId> ids = RepoFiles.blockIds(Images.read(image), BLOCK);
            List<Long> at = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                if (ids.get(i).equals(id)) {
                    at.add((long) i * BLOCK);
                }
            }
            if (!at.isEmpty()) {
                offsets.put(backup, at);
            }
        });
        return offsets;
    }

    /** Volume offsets, per backup, of every block stored in {@code pack}. */
    private Map<String, List<Long>> offsetsIn(Path pack) {
        Map<String, List<Long>> offsets = new LinkedHashMap<>();
        for (PackEntry entry : RepoFiles.header(cli.repo, pack)) {
            offsetsOf(entry.id()).forEach((backup, at) -> offsets.computeIfAbsent(backup, b -> new ArrayList<>()).addAll(at));
        }
        return offsets;
    }

    private static boolean namesAnOffset(String text, String backup, List<Long> offsets) {
        return offsets.stream().anyMatch(at -> text.contains("backup " + backup + ": block at volume offset " + at + " "));
    }

    private void assertVerifyNames(Map<String, List<Long>> damaged, String... flags) {
        RepoCli.Result verify = cli.run("verify", flags);
        assertThat(verify.exit()).as(verify.toString()).isEqualTo(5);
        JsonNode report = verify.json();
        assertThat(report.get("ok").asBoolean()).isFalse();
        String problems = report.get("problems").toString();
        assertThat(damaged).isNotEmpty();
        damaged.forEach((backup, offsets) ->
                assertThat(namesAnOffset(problems, backup, offsets)).as("verify names %s at one of %s in %s", backup, offsets, problems).isTrue());
    }

    private void assertRestoreFailsNaming(String backup, List<Long> offsets) {
        Path target = dir.resolve("restored-" + backup);
        RepoCli.Result restore = cli.run("restore", backup, "--target", target.toString());
        assertThat(restore.exit()).as(restore.toString()).isEqualTo(5);
        assertThat(restore.out()).isEmpty();
        assertThat(restore.err()).startsWith("error: backup " + backup + ": ").contains("offset");
        assertThat(namesAnOffset(restore.err(), backup, offsets) || offsets.stream().anyMatch(at -> restore.err().contains("offset " + at + " ")))
                .as("restore names one of %s: %s", offsets, restore.err()).isTrue();
    }

    private void assertRestores(String backup) {
        Path target = dir.resolve("restored-" + backup);
        RepoCli.Result restore = cli.run("restore", backup, "--target", target.toString());
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(Images.read(target)).isEqualTo(Images.read(images.get(backup)));
    }

    @Test
    void aFlippedByteInABlockIsFoundByReadDataAndByRestore() {
        Stored victim = pickBlob(e -> e.type() == BlobType.DATA && e.storedLength() > 100 && offsetsOf(e.id()).size() == 2);
        Map<String, List<Long>> damaged = offsetsOf(victim.entry().id());
        RepoFiles.flipByte(victim.pack(), victim.entry().offset() + victim.entry().storedLength() / 2);

        assertVerifyNames(damaged, "--read-data");
        assertVerifyNames(Map.of("second", damaged.get("second")), "second", "--read-data");
        damaged.forEach(this::assertRestoreFailsNaming);

        // The pack's header is sound, so the rebuilt index still points at the damaged blob.
        assertThat(cli.ok("rebuild-index").json().get("entries").asLong()).isPositive();
        assertVerifyNames(damaged, "--read-data");
    }

    @Test
    void aDamagedPackHeaderIsFoundByVerify() {
        Path pack = pickBlob(e -> e.type() == BlobType.DATA && !offsetsOf(e.id()).isEmpty()).pack();
        Map<String, List<Long>> inPack = offsetsIn(pack);
        long size = pack.toFile().length();
        int headerLength = PackFormat.headerLength(RepoFiles.header(cli.repo, pack).size());
        RepoFiles.flipByte(pack, size - PackFormat.TRAILER_BYTES - headerLength + 10); // inside the first entry's id

        assertVerifyNames(inPack);
        // The blobs themselves are intact and checked by their hash: restore may use them, but must be right.
        for (String backup : images.keySet()) {
            Path target = dir.resolve("restored-" + backup);
            RepoCli.Result restore = cli.run("restore", backup, "--target", target.toString());
            if (restore.exit() == 0) {
                assertThat(Images.read(target)).isEqualTo(Images.read(images.get(backup)));
            } else {
                assertThat(restore.exit()).as(restore.toString()).isEqualTo(5);
            }
        }
        // The index rebuilt from the packs cannot use that pack any more.
        cli.ok("rebuild-index");
        assertVerifyNames(inPack);
    }

    @Test
    void aTruncatedPackIsFoundByVerifyAndRestore() {
        Path pack = pickBlob(e -> e.type() == BlobType.DATA && !offsetsOf(e.id()).isEmpty()).pack();
        Map<String, List<Long>> inPack = offsetsIn(pack);
        RepoFiles.truncate(pack, pack.toFile().length() / 2);

        assertVerifyNames(inPack);
        inPack.forEach(this::assertRestoreFailsNaming);

        cli.ok("rebuild-index");
        assertVerifyNames(inPack);
        inPack.forEach(this::assertRestoreFailsNaming);
    }

    @Test
    void aMissingPackIsFoundByVerifyAndRestore() throws Exception {
        Path pack = pickBlob(e -> e.type() == BlobType.DATA && !offsetsOf(e.id()).isEmpty()).pack();
        Map<String, List<Long>> inPack = offsetsIn(pack);
        Files.delete(pack);

        assertVerifyNames(inPack);
        inPack.forEach(this::assertRestoreFailsNaming);

        cli.ok("rebuild-index");
        assertVerifyNames(inPack);
        inPack.forEach(this::assertRestoreFailsNaming);
    }

    @Test
    void aDeletedPackOfBlockListPagesFailsVerifyAndRestoreNamingTheBackup() throws Exception {
        loseABlockListPage("delete");
    }

    @Test
    void aTruncatedPackOfBlockListPagesFailsVerifyAndRestoreNamingTheBackup() throws Exception {
        loseABlockListPage("truncate");
    }

    private void loseABlockListPage(String damage) throws Exception {
        Stored page = pickBlob(e -> e.type() == BlobType.PAGE, true);
        if (damage.equals("delete")) {
            Files.delete(page.pack());
        } else {
            RepoFiles.truncate(page.pack(), page.entry().offset() + page.entry().storedLength() / 2);
        }
        List<String> affected = new ArrayList<>(images.keySet());

        RepoCli.Result verify = cli.run("verify");
        assertThat(verify.exit()).as(verify.toString()).isEqualTo(5);
        String problems = verify.json().get("problems").toString();
        assertThat(affected.stream().anyMatch(backup -> problems.contains("backup " + backup + ": "))).as(problems).isTrue();
        for (String backup : affected) {
            Path target = dir.resolve("restored-" + backup);
            RepoCli.Result restore = cli.run("restore", backup, "--target", target.toString());
            if (restore.exit() == 0) {
                assertThat(Images.read(target)).isEqualTo(Images.read(images.get(backup)));
            } else {
                assertThat(restore.exit()).as(restore.toString()).isEqualTo(5);
                assertThat(restore.err()).startsWith("error: backup " + backup + ": ");
            }
        }
    }

    @Test
    void aDamagedIndexObjectIsFoundAndTheIndexRebuildsFromThePacks() throws Exception {
        assertThat(indexOfFirst).hasSize(1);
        Path damaged = indexOfFirst.getFirst();
        RepoFiles.flipByte(damaged, Files.size(damaged) / 2);
        RepoCli cold = new RepoCli(cli.repo, dir.resolve("cold-cache"));

        RepoCli.Result verify = cold.run("verify"); // on a machine that has not cached the index yet
        assertThat(verify.exit()).as(verify.toString()).isEqualTo(5);
        String problems = verify.json().get("problems").toString();
        assertThat(problems).contains("index object index/" + damaged.getFileName());
        assertThat(problems).contains("backup first: ").containsPattern("backup first: block (list unreadable near volume offset|at volume offset) ");
        RepoCli.Result restore = cold.run("restore", "first", "--target", dir.resolve("restored").toString());
        assertThat(restore.exit()).as(restore.toString()).isEqualTo(5);
        assertThat(restore.err()).startsWith("error: backup first: ").containsAnyOf("offset", "block list page");
        RepoCli.Result gc = cold.run("gc", "--grace", "0");
        assertThat(gc.exit()).as(gc.toString()).isEqualTo(5);
        assertThat(gc.err()).contains("rebuild-index");

        JsonNode rebuilt = cold.ok("rebuild-index").json();
        long entries = RepoFiles.packs(cli.repo).stream().mapToLong(p -> RepoFiles.header(cli.repo, p).size()).sum();
        assertThat(rebuilt.get("entries").asLong()).isEqualTo(entries);
        assertThat(damaged).doesNotExist();
        for (RepoCli user : List.of(cold, cli)) {
            assertThat(user.ok("verify", "--read-data").json().get("ok").asBoolean()).isTrue();
        }
        images.keySet().forEach(this::assertRestores);
        assertThat(cli.ok("gc", "--grace", "0").json().get("packs_deleted").asLong()).isZero();
    }

    @Test
    void aDamagedManifestIsNamedAndGcDeletesNothing() throws Exception {
        Path manifest = cli.repo.resolve("backups/first.json");
        Files.writeString(manifest, Files.readString(manifest).substring(0, 40));
        Map<String, String> before = RepoFiles.snapshot(cli.repo);

        for (String command : List.of("ls", "verify")) {
            RepoCli.Result result = cli.run(command);
            assertThat(result.exit()).as(result.toString()).isEqualTo(5);
            assertThat(result.err()).contains("manifest of backup first is unreadable");
        }
        RepoCli.Result restore = cli.run("restore", "first", "--target", dir.resolve("restored").toString());
        assertThat(restore.exit()).as(restore.toString()).isEqualTo(5);
        assertThat(restore.err()).contains("manifest of backup first is unreadable");
        // gc cannot know what the unreadable backup needs, so it must not delete anything
        RepoCli.Result gc = cli.run("gc", "--grace", "0");
        assertThat(gc.exit()).as(gc.toString()).isNotZero();
        assertThat(RepoFiles.snapshot(cli.repo)).isEqualTo(before);
        assertRestores("second");
    }

    @Test
    void aDamagedConfigIsCorrupt() throws Exception {
        Path config = cli.repo.resolve("config");
        Files.writeString(config, "{\"format_version\": 1, \"id\": ");
        Map<String, String> before = RepoFiles.snapshot(cli.repo);
        RepoCli.Result result = cli.run("ls");
        assertThat(result.exit()).as(result.toString()).isEqualTo(5);
        assertThat(result.err()).contains("config", "unreadable");
        assertThat(RepoFiles.snapshot(cli.repo)).isEqualTo(before);
    }

    @Test
    void verifyFindsADamagedIndexObjectAlsoWhenTheIndexIsCachedLocally() throws Exception {
        Path damaged = RepoFiles.files(cli.repo.resolve("index")).getFirst();
        RepoFiles.flipByte(damaged, Files.size(damaged) / 2);
        RepoCli.Result verify = cli.run("verify");
        assertThat(verify.exit()).as("verify with the cache of the machine that made the backups: " + verify).isEqualTo(5);
        assertThat(verify.json().get("problems").toString()).contains("index object index/" + damaged.getFileName());
    }

    @Test
    void aDeletedIndexObjectIsHarmlessAfterRebuildIndex() throws Exception {
        for (Path index : RepoFiles.files(cli.repo.resolve("index"))) {
            Files.delete(index);
        }
        RepoCli cold = new RepoCli(cli.repo, dir.resolve("cold-cache"));
        RepoCli.Result verify = cold.run("verify");
        assertThat(verify.exit()).as(verify.toString()).isEqualTo(5);
        cold.ok("rebuild-index");
        assertThat(cold.ok("verify", "--read-data").json().get("ok").asBoolean()).isTrue();
        assertThat(cli.ok("verify", "--read-data").json().get("ok").asBoolean()).isTrue();
        images.keySet().forEach(this::assertRestores);
    }
}
