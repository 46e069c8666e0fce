package io.hearth.cli.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every block size {@code repo init} accepts works for a volume whose block list needs several pages. */
class BlockSizeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"4K", "8K", "16K", "64K"})
    void aBackupWithSeveralBlockListPagesRestores(String blockSize) throws Exception {
        RepoCli cli = new RepoCli(dir.resolve("repo"), dir.resolve("cache"));
        cli.ok("init", "--block-size", blockSize, "--pack-size", "256K");
        Path image = Images.mixed(dir.resolve("image"), 2 * 1024 * 1024 + 12345, 51);
        RepoCli.Result backup = cli.run("backup", "--source", image.toString(), "--id", "b");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        int block = (int) io.hearth.cli.Sizes.parse(blockSize);
        assertThat(backup.json().get("blocks_total").asLong()).isEqualTo((Files.size(image) + block - 1) / block);
        assertThat(cli.ok("verify", "--read-data").json().get("ok").asBoolean()).isTrue();
        Path restored = dir.resolve("restored");
        cli.ok("restore", "b", "--target", restored.toString());
        assertThat(Files.mismatch(restored, image)).isEqualTo(-1);
    }
}
