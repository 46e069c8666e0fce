package io.hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.source.BlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blocks go into packs in volume order whatever order the workers finish in, so a restore reads them in long runs. */
class PackOrderTest {
    private static final int BLOCK = 32 * 1024;
    private static final int CHUNK = 1 << 20;

    @TempDir
    Path dir;

    /** Reads the volume's megabyte chunks so that each odd one completes before the even one before it. */
    private record SwappingSource(byte[] data, Map<Long, CountDownLatch> read) implements BlockSource {
        @Override
        public long size() {
            return data.length;
        }

        @Override
        public void readFully(ByteBuffer destination, long position) throws IOException {
            long chunk = position / CHUNK;
            if (chunk % 2 == 0 && (chunk + 1) * CHUNK < data.length) {
                try {
                    if (!latch(chunk + 1).await(30, TimeUnit.SECONDS)) {
                        throw new IOException("chunk " + (chunk + 1) + " was never read");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            destination.put(data, (int) position, destination.remaining());
            latch(chunk).countDown();
        }

        private CountDownLatch latch(long chunk) {
            return read.computeIfAbsent(chunk, c -> new CountDownLatch(1));
        }

        @Override
        public String description() {
            return "swapping source";
        }

        @Override
        public void close() {}
    }

    @Test
    void chunksFinishedOutOfOrderArePackedInVolumeOrder() throws IOException {
        byte[] data = new byte[16 * CHUNK];
        new Random(6).nextBytes(data);
        PackReadCounter target = new PackReadCounter(dir.resolve("repo"));
        try (Repository repository = Repository.init(target, RepositorySettings.defaults().withBlockSize(BLOCK), dir.resolve("cache"))) {
            BackupManifest backup = repository.backup(new BackupRequest("swapped", new SwappingSource(data, new ConcurrentHashMap<>()),
                    Optional.empty(), Optional.empty(), BackupRequest.BackupLabels.none()), ProgressListener.NONE);
            target.reset();
            Path restored = dir.resolve("restored");
            repository.restore(backup.id(), restored, ProgressListener.NONE);
            assertThat(Files.readAllBytes(restored)).isEqualTo(data);
            // 16 MiB in one pack: runs of up to 4 MiB, cut where a block-list page lies between the data (after 8 MiB),
            // so at most 6, and 3 page reads (the root and two leaves). Packed as the chunks finished: 16 runs.
            assertThat(target.reads()).as("pack reads of the restore").isLessThanOrEqualTo(9);
        }
    }
}
