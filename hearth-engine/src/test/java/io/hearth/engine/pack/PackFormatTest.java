package io.hearth.engine.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.HearthException;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.block.Compression;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackFormatTest {
    @TempDir
    Path dir;

    @Test
    void headerRoundTripsAndNamesOffsets() throws IOException {
        PackId pack = PackId.random();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        buffer.put(new byte[100]).put(new byte[28]);
        List<PackEntry> entries = List.of(
                new PackEntry(new BlockId(1, 2, 3, 4), pack, 0, 100, 4096, BlobType.DATA, Compression.ZSTD),
                new PackEntry(new BlockId(5, 6, 7, 8), pack, 100, 28, 28, BlobType.PAGE, Compression.NONE));
        PackFormat.writeHeader(buffer, entries);
        buffer.flip();
        PosixTarget target = new PosixTarget(dir);
        target.putIfAbsent(pack.key(), buffer);
        assertThat(PackHeaders.read(target, pack)).isEqualTo(entries);
        assertThat(PackId.fromKey(pack.key())).isEqualTo(pack);
    }

    @Test
    void truncatedOrFlippedPacksAreNamedAsDamaged() throws IOException {
        PackId pack = PackId.random();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        buffer.put(new byte[64]);
        PackFormat.writeHeader(buffer, List.of(new PackEntry(new BlockId(1, 1, 1, 1), pack, 0, 64, 64, BlobType.DATA, Compression.NONE)));
        buffer.flip();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        PosixTarget target = new PosixTarget(dir);
        Path file = dir.resolve(pack.key());
        Files.createDirectories(file.getParent());

        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> PackHeaders.read(target, pack)).isInstanceOf(HearthException.class).hasMessageContaining(pack.hex());

        byte[] flipped = bytes.clone();
        flipped[70] ^= 1; // inside the header entries
        Files.write(file, flipped);
        assertThatThrownBy(() -> PackHeaders.read(target, pack)).isInstanceOf(HearthException.class).hasMessageContaining("checksum");
    }

    @Test
    void posixTargetIsCreateOnlyAndRejectsKeysOutsideItsRoot() throws IOException {
        PosixTarget target = new PosixTarget(dir);
        assertThat(target.putIfAbsent("a/b", ByteBuffer.wrap(new byte[] {1}))).isTrue();
        assertThat(target.putIfAbsent("a/b", ByteBuffer.wrap(new byte[] {2}))).isFalse();
        assertThat(Files.readAllBytes(dir.resolve("a/b"))).containsExactly(1);
        assertThatThrownBy(() -> target.putIfAbsent("../escape", ByteBuffer.wrap(new byte[1]))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> target.get("/etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        target.delete("a/missing");
        assertThat(target.stat("a/missing")).isEmpty();
        assertThat(target.list("a/").map(info -> info.key()).toList()).containsExactly("a/b");
        assertThat(target.getRange("a/b", 0, 1).get()).isEqualTo((byte) 1);
        assertThatThrownBy(() -> target.getRange("a/b", 0, 2)).isInstanceOf(java.io.EOFException.class);
    }
}
