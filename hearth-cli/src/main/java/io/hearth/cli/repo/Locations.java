package io.hearth.cli.repo;

import io.hearth.engine.HearthException;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.restore.RestoreResult;
import io.hearth.engine.source.BlockSource;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.nbd.NbdBlockSource;
import io.hearth.nbd.NbdClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a backup reads and a restore writes: a file or block device, or an NBD export ({@code nbd://HOST:PORT/NAME}),
 * so that a backup host can work on volumes of another machine over the network alone.
 */
final class Locations {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final int COPY_CHUNK = 4 << 20;
    private static final long ZERO_CHUNK = 1L << 30;

    private Locations() {}

    static BlockSource source(String location) {
        if (!NbdClient.Target.isUri(location)) {
            return FileBlockSource.open(Path.of(location));
        }
        try {
            return new NbdBlockSource(NbdClient.connect(target(location), CONNECT_TIMEOUT), location);
        } catch (IOException e) {
            throw HearthException.badInput("cannot read " + location + ": " + e.getMessage());
        }
    }

    private static NbdClient.Target target(String uri) {
        try {
            return NbdClient.Target.parse(uri);
        } catch (IllegalArgumentException e) {
            throw HearthException.badInput(e.getMessage());
        }
    }

    /**
     * Restores into {@code location}. An NBD export is written from a sparse staging file under {@code staging}
     * (the engine restores into files): data is written, holes become write-zeroes, so the export stays sparse.
     */
    static RestoreResult restore(Repository repository, String backupId, String location, Path staging, ProgressListener progress)
            throws IOException {
        if (!NbdClient.Target.isUri(location)) {
            return repository.restore(backupId, Path.of(location), progress);
        }
        try (NbdClient client = NbdClient.connect(target(location), CONNECT_TIMEOUT)) {
            if (client.readOnly()) {
                throw HearthException.badInput(location + " is a read-only export; attach the volume read-write to restore onto it");
            }
            Files.createDirectories(staging);
            Path file = Files.createTempFile(staging, "restore-", ".raw");
            try {
                RestoreResult result = repository.restore(backupId, file, progress);
                if (result.bytesTotal() > client.size()) {
                    throw HearthException.badInput("backup " + backupId + " has " + result.bytesTotal() + " bytes; " + location + " only "
                            + client.size());
                }
                copy(file, client);
                return result;
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    private static void copy(Path file, NbdClient client) throws IOException {
        try (FileBlockSource source = FileBlockSource.open(file)) {
            long size = source.size();
            ByteBuffer buffer = ByteBuffer.allocate(COPY_CHUNK);
            for (long at = 0; at < size; ) {
                long data = Math.min(source.nextData(at), size);
                for (long zero = at; zero < data; zero += ZERO_CHUNK) {
                    client.writeZeroes(zero, Math.min(ZERO_CHUNK, data - zero), true);
                }
                long end = Math.min(source.nextHole(data), size);
                for (long position = data; position < end; position += buffer.limit()) {
                    buffer.clear().limit((int) Math.min(COPY_CHUNK, end - position));
                    source.readFully(buffer, position);
                    client.write(buffer.flip(), position, false);
                }
                at = Math.max(end, data + (data < size ? 1 : 0));
            }
            client.flush();
        }
    }
}
