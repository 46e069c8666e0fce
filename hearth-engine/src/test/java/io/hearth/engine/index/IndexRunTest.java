package io.hearth.engine.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.block.Compression;
import io.hearth.engine.pack.BlobType;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexRunTest {
    @TempDir
    Path dir;

    private static PackEntry entry(BlockId id, int n) {
        return new PackEntry(id, new PackId(n, ~n), n * 100L, 50 + n % 7, 4096, n % 2 == 0 ? BlobType.DATA : BlobType.PAGE,
                n % 3 == 0 ? Compression.ZSTD : Compression.NONE);
    }

    @Test
    void findsEveryEntryIncludingRunsOfEqualFirstWordsAcrossFenceGroups() throws IOException {
        Random random = new Random(1);
        List<PackEntry> entries = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            // Many ids share their first word, so they straddle fence groups of 256.
            long first = i % 3 == 0 ? 0x7777_0000_0000_0000L : random.nextLong();
            entries.add(entry(new BlockId(first, random.nextLong(), random.nextLong(), random.nextLong()), i));
        }
        entries.sort(Comparator.comparing(PackEntry::id));
        ByteBuffer object = IndexFormat.write(entries);
        assertThat(IndexFormat.check(object.duplicate(), "index/x")).isEqualTo(3000);
        Path file = dir.resolve("run");
        Files.write(file, toBytes(object));
        try (IndexRun run = IndexRun.open("run", file)) {
            for (PackEntry expected : entries) {
                assertThat(run.find(expected.id())).contains(expected);
            }
            assertThat(run.find(new BlockId(0x7777_0000_0000_0000L, 1, 2, 3))).isEmpty();
            assertThat(run.find(BlockId.ZERO)).isEmpty();
            assertThat(run.find(new BlockId(-1, -1, -1, -1))).isEmpty();
            List<PackEntry> streamed = new ArrayList<>();
            IndexRun.Cursor cursor = run.cursor();
            while (cursor.hasNext()) {
                streamed.add(cursor.next());
            }
            assertThat(streamed).isEqualTo(entries);
        }
    }

    @Test
    void aDamagedIndexObjectIsRefusedWithWhatToDo() {
        List<PackEntry> entries = List.of(entry(new BlockId(1, 2, 3, 4), 1));
        byte[] bytes = toBytes(IndexFormat.write(entries));
        bytes[20] ^= 0x40;
        assertThatThrownBy(() -> IndexFormat.check(ByteBuffer.wrap(bytes), "index/abc"))
                .isInstanceOf(HearthException.class)
                .hasMessageContaining("index/abc")
                .hasMessageContaining("rebuild-index")
                .matches(e -> ((HearthException) e).category() == ErrorCategory.CORRUPT);
        assertThatThrownBy(() -> IndexFormat.check(ByteBuffer.wrap(bytes, 0, 30), "index/abc")).isInstanceOf(HearthException.class);
    }

    @Test
    void unsortedEntriesAreRefused() {
        List<PackEntry> entries = List.of(entry(new BlockId(2, 0, 0, 0), 1), entry(new BlockId(1, 0, 0, 0), 2));
        assertThatThrownBy(() -> IndexFormat.write(entries)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
