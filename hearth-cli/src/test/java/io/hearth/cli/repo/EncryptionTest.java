package io.hearth.cli.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hearth repo init --encrypt}, the secrets that open it, and key rotation, as a user runs them. */
class EncryptionTest {
    @TempDir
    Path dir;

    private RepoCli cli;
    private Path image;
    private Path keyFile;

    @BeforeEach
    void setUp() throws Exception {
        cli = new RepoCli(dir.resolve("repo"), dir.resolve("cache"));
        image = Images.mixed(dir.resolve("image"), 3 * 1024 * 1024 + 4096, 3);
        keyFile = Files.writeString(dir.resolve("key"), "0123456789abcdef".repeat(4) + "\n");
    }

    @Test
    void anEncryptedRepositoryWorksWithItsKeyFileAndOnlyWithIt() {
        assertThat(cli.ok("init", "--encrypt", "--key-file", keyFile.toString()).json().get("encrypted").asBoolean()).isTrue();
        String id = cli.backup(image, "b1", "--key-file", keyFile.toString()).get("backup_id").asText();
        Path restored = dir.resolve("restored");
        cli.ok("restore", id, "--target", restored.toString(), "--key-file", keyFile.toString());
        assertThat(Images.read(restored)).isEqualTo(Images.read(image));
        cli.ok("verify", "--read-data", "--key-file", keyFile.toString());

        RepoCli.Result withoutKey = cli.run("ls");
        assertThat(withoutKey.exit()).as(withoutKey.toString()).isEqualTo(2);
        assertThat(withoutKey.err()).contains("encrypted").contains("HEARTH_REPO_PASSWORD");

        Path otherKey = dir.resolve("other");
        RepoCli.Result wrongKey;
        try {
            Files.writeString(otherKey, "f".repeat(64));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        wrongKey = cli.run("ls", "--key-file", otherKey.toString());
        assertThat(wrongKey.exit()).as(wrongKey.toString()).isEqualTo(2);
        assertThat(wrongKey.err()).contains("no key of this repository opens");
    }

    @Test
    void malformedKeyFilesAndMissingSecretsAreBadInput() throws Exception {
        Path shortKey = Files.writeString(dir.resolve("short"), "abcd");
        RepoCli.Result result = cli.run("init", "--encrypt", "--key-file", shortKey.toString());
        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("32 bytes");
        result = cli.run("init", "--encrypt", "--key-file", dir.resolve("absent").toString());
        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("cannot read the key file");
        result = cli.run("init", "--key-file", keyFile.toString());
        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("without --encrypt");
        assertThat(Files.exists(dir.resolve("repo").resolve("config"))).as("nothing was created").isFalse();
    }

    @Test
    void aPassphraseFromTheEnvironmentOpensTheRepositoryAndKeysRotate() {
        Map<String, String> passphrase = Map.of("HEARTH_REPO_PASSWORD", "first passphrase");
        RepoCli.Result init = cli.runWithEnvironment(passphrase, "init", "--encrypt");
        assertThat(init.exit()).as(init.toString()).isZero();
        RepoCli.Result refused = cli.runWithEnvironment(Map.of(), "init", "--encrypt");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);

        assertThat(cli.runWithEnvironment(passphrase, "backup", "--source", image.toString(), "--id", "b1").exit()).isZero();
        String oldKey = cli.runWithEnvironment(passphrase, "key list").json().get("keys").get(0).get("id").asText();

        RepoCli.Result added = cli.runWithEnvironment(Map.of("HEARTH_REPO_PASSWORD", "first passphrase",
                "HEARTH_NEW_REPO_PASSWORD", "second passphrase"), "key add");
        assertThat(added.exit()).as(added.toString()).isZero();
        Map<String, String> second = Map.of("HEARTH_REPO_PASSWORD", "second passphrase");
        assertThat(cli.runWithEnvironment(second, "key remove", oldKey).exit()).isZero();

        RepoCli.Result old = cli.runWithEnvironment(passphrase, "ls");
        assertThat(old.exit()).as(old.toString()).isEqualTo(2);
        RepoCli.Result listed = cli.runWithEnvironment(second, "ls");
        assertThat(listed.exit()).as(listed.toString()).isZero();
        assertThat(listed.json().get("backups").get(0).get("id").asText()).isEqualTo("b1");
    }
}
