package io.hearth.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.ProgressListener;
import io.hearth.engine.TestRepositories;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.repository.Repository;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore's writes run beside its decoding; a failed write fails the restore, and no write outlives the restore. */
class RestoreWriteFailureTest {
    @TempDir
    Path dir;

    /** Fails its third write at once; every other write takes 100 ms, so that one the restore did not wait for is seen running. */
    static final class FailingSink implements RestoreSink {
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger active = new AtomicInteger();

        @Override
        public long capacity() {
            return Long.MAX_VALUE;
        }

        @Override
        public void write(ByteBuffer data, long position) throws IOException {
            active.incrementAndGet();
            try {
                int n = writes.incrementAndGet();
                if (n == 3) {
                    throw new IOException("no space left on the test device");
                }
                slowly();
            } finally {
                active.decrementAndGet();
            }
        }

        /** 100 ms, interrupted or not: a device write does not stop when its thread is interrupted. */
        private static void slowly() {
            long end = System.nanoTime() + 100_000_000;
            boolean interrupted = false;
            for (long left; (left = end - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(left);
                interrupted |= Thread.interrupted();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void zero(long position, long length) {}

        @Override
        public void flush() {}

        @Override
        public String description() {
            return "failing sink";
        }

        @Override
        public void close() {}
    }

    @Test
    void aWriteThatFailsFailsTheRestoreAndNoWriteOutlivesIt() throws Exception {
        int blocks = 2000;
        byte[] volume = new byte[TestRepositories.BLOCK * blocks];
        Random random = new Random(8);
        byte[] block = new byte[TestRepositories.BLOCK];
        for (int i = 0; i < blocks; i++) {
            if (i % 7 != 3) { // zero blocks between: many separate writes
                random.nextBytes(block);
                System.arraycopy(block, 0, volume, i * TestRepositories.BLOCK, block.length);
            }
        }
        Path image = Files.write(dir.resolve("image"), volume);
        try (Repository repository = TestRepositories.create(dir)) {
            BackupManifest backup = TestRepositories.backup(repository, image, null);
            FailingSink sink = new FailingSink();
            assertThatThrownBy(() -> repository.restore(backup.id(), sink, ProgressListener.NONE))
                    .hasMessageContaining("no space left on the test device");
            assertThat(sink.writes.get()).isGreaterThanOrEqualTo(3);
            assertThat(sink.active).as("writes still running when the restore returned").hasValue(0);
        }
    }
}
