package io.hearth.cli.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input: a clear message on stderr, nothing on stdout, the documented exit code, and the
 * repository unchanged (every file, its size and content hash, compared before and after).
 */
class BadInputTest {
    static final int BLOCK = RepoCommandsTest.BLOCK;

    /** A repository holding one backup, made once and copied for each test. */
    @TempDir
    static Path template;

    @TempDir
    Path dir;
    RepoCli cli;
    Path image;

    @BeforeAll
    static void makeTemplate() {
        RepoCli maker = new RepoCli(template.resolve("repo"), template.resolve("cache"));
        maker.ok("init", RepoCommandsTest.SMALL_REPO);
        maker.backup(Images.mixed(template.resolve("image"), 1024 * 1024 + 4096, 11), "base");
    }

    @BeforeEach
    void setUp() throws Exception {
        cli = new RepoCli(dir.resolve("repo"), dir.resolve("cache"));
        for (Path file : RepoFiles.files(template.resolve("repo"))) {
            Path copy = cli.repo.resolve(template.resolve("repo").relativize(file).toString());
            Files.createDirectories(copy.getParent());
            Files.copy(file, copy);
        }
        image = Files.copy(template.resolve("image"), dir.resolve("image"));
    }

    /** Runs the command and checks exit code, message and that the repository did not change. */
    private RepoCli.Result refused(int exit, String messagePart, String command, String... args) {
        Map<String, String> before = RepoFiles.snapshot(cli.repo);
        RepoCli.Result result = cli.run(command, args);
        assertThat(result.exit()).as(result.toString()).isEqualTo(exit);
        assertThat(result.err()).as(result.toString()).startsWith("error: ").containsIgnoringCase(messagePart).doesNotContain("Exception");
        assertThat(result.out()).as(result.toString()).isEmpty();
        assertThat(RepoFiles.snapshot(cli.repo)).as("repository after " + command).isEqualTo(before);
        return result;
    }

    private String[] backupOf(Path source, String... more) {
        String[] args = new String[2 + more.length];
        args[0] = "--source";
        args[1] = source.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        return args;
    }

    // Where the repository is

    @ParameterizedTest
    @ValueSource(strings = {"ls", "verify", "gc", "rebuild-index", "backup", "restore", "delete"})
    void aMissingRepositoryIsNotFoundAndNotCreated(String command) {
        RepoCli missing = new RepoCli(dir.resolve("no-such-repo"), dir.resolve("cache"));
        RepoCli.Result result = missing.run(command, argumentsFor(command));
        assertThat(result.exit()).as(result.toString()).isEqualTo(3);
        assertThat(result.err()).contains("no repository", dir.resolve("no-such-repo").toString());
        assertThat(result.out()).isEmpty();
        assertThat(dir.resolve("no-such-repo")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ls", "verify", "gc", "rebuild-index", "backup", "restore", "delete"})
    void aDirectoryWithoutARepositoryIsNotFoundAndLeftEmpty(String command) throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        RepoCli unknown = new RepoCli(empty, dir.resolve("cache"));
        RepoCli.Result result = unknown.run(command, argumentsFor(command));
        assertThat(result.exit()).as(result.toString()).isEqualTo(3);
        assertThat(result.err()).contains("no repository");
        assertThat(RepoFiles.files(empty)).isEmpty();
        try (var listing = Files.list(empty)) {
            assertThat(listing).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ls", "verify", "gc", "rebuild-index", "backup", "restore", "delete"})
    void anUnknownFormatVersionIsRefused(String command) throws Exception {
        Path config = cli.repo.resolve("config");
        String text = Files.readString(config);
        assertThat(text).contains("\"format_version\" : 1");
        Files.writeString(config, text.replace("\"format_version\" : 1", "\"format_version\" : 2"));
        RepoCli.Result result = refused(2, "format version 2", command, argumentsFor(command));
        assertThat(result.err()).contains("reads version 1");
    }

    @Test
    void anUnsupportedOrMalformedRepositoryLocationIsBadInput() {
        RepoCli.Result result = RepoCli.hearth("repo", "ls", "--repo", "ftp://host/repo", "--cache-dir", dir.resolve("cache").toString(), "--json");
        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("'ftp' is not supported").contains("file");

        result = RepoCli.hearth("repo", "ls", "--repo", "file://host/repo", "--cache-dir", dir.resolve("cache").toString());
        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("file:///path");
    }

    private String[] argumentsFor(String command) {
        return switch (command) {
            case "backup" -> backupOf(image);
            case "restore" -> new String[] {"base", "--target", dir.resolve("restored").toString()};
            case "delete" -> new String[] {"base"};
            case "gc" -> new String[] {"--grace", "0"};
            default -> new String[0];
        };
    }

    // Which backup

    @Test
    void restoreOfAnUnknownIdIsNotFoundAndWritesNoTarget() {
        Path target = dir.resolve("restored");
        refused(3, "backup nope does not exist", "restore", "nope", "--target", target.toString());
        assertThat(target).doesNotExist();
    }

    @Test
    void restoreIntoADirectoryOrAMissingDirectoryIsBadInput() {
        refused(2, "is a directory", "restore", "base", "--target", dir.toString());
        refused(2, "does not exist", "restore", "base", "--target", dir.resolve("missing/restored").toString());
    }

    @Test
    void deleteOfAnUnknownIdIsNotFound() {
        refused(3, "backup nope does not exist", "delete", "nope");
    }

    @Test
    void verifyOfAnUnknownIdIsNotFound() {
        refused(3, "backup nope does not exist", "verify", "nope", "--read-data");
    }

    @Test
    void anUnknownParentIsNotFound() {
        refused(3, "parent backup nope does not exist", "backup", backupOf(image, "--parent", "nope"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/b", "-dash-first", "with space", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", ""})
    void anInvalidBackupIdIsBadInput(String id) {
        refused(2, "invalid backup id", "backup", backupOf(image, "--id", id));
        if (!id.startsWith("-")) { // picocli would take it for an option
            refused(2, "invalid backup id", "restore", id, "--target", dir.resolve("restored").toString());
            refused(2, "invalid backup id", "delete", id);
            assertThat(dir.resolve("restored")).doesNotExist();
        }
    }

    // What to back up

    @Test
    void aSourceOfAnotherSizeThanItsParentIsBadInput() {
        Path bigger = Images.mixed(dir.resolve("bigger"), 1024 * 1024 + 8192, 11);
        refused(2, "parent backup base", "backup", backupOf(bigger, "--parent", "base"));
    }

    @Test
    void aMissingSourceIsBadInput() {
        refused(2, "does not exist", "backup", backupOf(dir.resolve("no-such-image")));
    }

    @Test
    void aDirectoryAsSourceIsBadInput() {
        refused(2, "is a directory", "backup", backupOf(dir));
    }

    @Test
    void changedRangesWithoutAParentAreBadInput() throws Exception {
        Path ranges = Files.writeString(dir.resolve("ranges"), "0 4096\n");
        refused(2, "need a parent", "backup", backupOf(image, "--changed-ranges", ranges.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0\n", "0 4096 1\n", "zero 4096\n", "0 4K\n", "-1 4096\n", "0 -4096\n", "4096 99999999999999999999\n"})
    void aMalformedChangedRangesFileIsBadInput(String content) throws Exception {
        Path ranges = Files.writeString(dir.resolve("ranges"), "# ranges\n" + content);
        RepoCli.Result result = refused(2, "", "backup", backupOf(image, "--parent", "base", "--changed-ranges", ranges.toString()));
        assertThat(result.err()).containsAnyOf("line 2", "negative");
    }

    @Test
    void aMissingChangedRangesFileIsBadInput() {
        refused(2, "does not exist", "backup", backupOf(image, "--parent", "base", "--changed-ranges", dir.resolve("nothing").toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1048576 8193", "1052672 1", "0 1052673", "9223372036854775807 1", "1 9223372036854775807"})
    void changedRangesBeyondTheSourceAreBadInput(String range) throws Exception {
        assertThat(Files.size(image)).isEqualTo(1052672);
        Path ranges = Files.writeString(dir.resolve("ranges"), range + "\n");
        refused(2, "beyond the source", "backup", backupOf(image, "--parent", "base", "--changed-ranges", ranges.toString()));
    }

    // How to build a repository

    @ParameterizedTest
    @ValueSource(strings = {"3K", "2K", "4095", "32M", "0", "-4K", "abc", "8G", "64Q", "", "99999999999999999999"})
    void aBadBlockSizeIsRefusedAndCreatesNothing(String size) {
        Path fresh = dir.resolve("fresh");
        RepoCli.Result result = new RepoCli(fresh, dir.resolve("cache")).run("init", "--block-size", size);
        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).startsWith("error: ").containsAnyOf("block size", "not a size");
        assertThat(fresh).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4K", "2G", "abc"})
    void aBadPackSizeIsRefusedAndCreatesNothing(String size) {
        Path fresh = dir.resolve("fresh");
        RepoCli.Result result = new RepoCli(fresh, dir.resolve("cache")).run("init", "--block-size", "8K", "--pack-size", size);
        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).containsAnyOf("pack size", "not a size");
        assertThat(fresh).doesNotExist();
    }

    @Test
    void anUnknownCompressionIsRefusedAndCreatesNothing() {
        Path fresh = dir.resolve("fresh");
        RepoCli.Result result = new RepoCli(fresh, dir.resolve("cache")).run("init", "--compression", "lz4");
        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("unknown compression 'lz4'");
        assertThat(fresh).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-1h", "1y", ""})
    void aBadGraceIsBadInput(String grace) {
        refused(2, "not a duration", "gc", "--grace", grace);
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Map<String, String> before = RepoFiles.snapshot(cli.repo);
        RepoCli.Result result = cli.run("backup", "--source", image.toString(), "--no-such-option");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("--no-such-option");
        assertThat(RepoFiles.snapshot(cli.repo)).isEqualTo(before);
    }

    @Test
    void theRepositoryStillWorksAfterAllThat() {
        refused(2, "does not exist", "backup", backupOf(dir.resolve("no-such-image")));
        Path restored = dir.resolve("restored");
        cli.ok("restore", "base", "--target", restored.toString());
        assertThat(Images.read(restored)).isEqualTo(Images.read(image));
    }
}
