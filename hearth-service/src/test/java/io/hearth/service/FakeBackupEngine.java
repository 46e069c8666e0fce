package io.hearth.service;

import io.hearth.engine.HearthException;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.restore.RestoreSink;
import io.hearth.engine.source.BlockSource;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.service.backup.BackupEngine;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A hand-written stand-in for the repository: a backup is a sparse copy of the source in a directory, the manifest a
 * small JSON. Tests of the service's rules use it; the real engine is exercised by the end-to-end tests.
 * {@link #hold()} makes backups wait until {@link #release()}, to observe them while they are creating.
 */
public final class FakeBackupEngine implements BackupEngine {
    private static final int CHUNK = 1 << 20;

    private final Path root;
    private final Semaphore gate = new Semaphore(Integer.MAX_VALUE);
    private final Map<String, Integer> runs = new ConcurrentHashMap<>();

    public FakeBackupEngine(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void hold() {
        gate.drainPermits();
    }

    public void release() {
        gate.release(Integer.MAX_VALUE / 2);
    }

    /** How many times this engine started the backup: a duplicate message must not start it twice. */
    public int runs(String backupId) {
        return runs.getOrDefault(backupId, 0);
    }

    public int totalRuns() {
        return runs.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public Result backup(Job job, ProgressListener progress) {
        runs.merge(job.backupId(), 1, Integer::sum);
        try {
            while (!gate.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                progress.progress(0, 1);
            }
            gate.release();
            copy(job.source(), root.resolve(job.backupId()));
            Files.writeString(root.resolve(job.backupId() + ".json"), "{\"id\":\"" + job.backupId() + "\",\"volume_id\":\"" + job.volumeId() + "\"}");
            progress.progress(1, 1);
            return new Result(3, job.source().size(), Files.size(root.resolve(job.backupId())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void restore(String backupId, RestoreSink target, ProgressListener progress) {
        try {
            if (!Files.exists(root.resolve(backupId))) {
                throw HearthException.notFound("backup " + backupId + " is not in the repository");
            }
            copy(root.resolve(backupId), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean delete(String backupId) {
        try {
            Files.deleteIfExists(root.resolve(backupId));
            return Files.deleteIfExists(root.resolve(backupId + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> exportManifest(String backupId) {
        try {
            Path manifest = root.resolve(backupId + ".json");
            return Files.exists(manifest) ? Optional.of(Files.readString(manifest)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void importManifest(String backupId, String manifestJson) {
        if (!Files.exists(root.resolve(backupId))) {
            throw HearthException.corrupt("the data of backup " + backupId + " is not in the repository");
        }
        try {
            Files.writeString(root.resolve(backupId + ".json"), manifestJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String serviceName() {
        return "hearth.backup.drivers.posix";
    }

    @Override
    public String container() {
        return "fake";
    }

    @Override
    public void close() {}

    /** The source's data regions into a sparse file of its size (a remote source is read over NBD like this). */
    private static void copy(BlockSource source, Path target) throws IOException {
        long size = source.size();
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long at = source.nextData(0);
            while (at < size) {
                long end = Math.min(source.nextHole(at), size);
                for (long position = at; position < end; position += CHUNK) {
                    buffer.clear().limit((int) Math.min(CHUNK, end - position));
                    source.readFully(buffer, position);
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        out.write(buffer, position + buffer.position());
                    }
                }
                at = end < size ? source.nextData(end) : size;
            }
        }
        try (RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
            file.setLength(size);
        }
    }

    /** A backup's copy onto the restore's target: data as data, holes as zero runs. */
    private static void copy(Path backup, RestoreSink target) throws IOException {
        try (FileBlockSource source = FileBlockSource.open(backup)) {
            long size = source.size();
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
            long at = 0;
            while (at < size) {
                long data = Math.min(source.nextData(at), size);
                if (data > at) {
                    target.zero(at, data - at);
                }
                long end = data < size ? Math.min(source.nextHole(data), size) : size;
                for (long position = data; position < end; position += CHUNK) {
                    buffer.clear().limit((int) Math.min(CHUNK, end - position));
                    source.readFully(buffer, position);
                    buffer.flip();
                    target.write(buffer, position);
                }
                at = end;
            }
            target.flush();
        }
    }
}
