package io.hearth.cli.repo;

import io.hearth.engine.HearthException;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.restore.RestoreResult;
import io.hearth.engine.source.BlockSource;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.nbd.NbdBlockSource;
import io.hearth.nbd.NbdClient;
import io.hearth.nbd.NbdRestoreSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a backup reads and a restore writes: a file or block device, or an NBD export ({@code nbd://HOST:PORT/NAME}),
 * so that a backup host can work on volumes of another machine over the network alone.
 */
final class Locations {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

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
     * Restores into {@code location}. An NBD export is written directly (data with many requests in flight, runs of zero
     * blocks as write-zeroes, a flush at the end): nothing is staged on local disk.
     */
    static RestoreResult restore(Repository repository, String backupId, String location, ProgressListener progress) {
        if (!NbdClient.Target.isUri(location)) {
            return repository.restore(backupId, Path.of(location), progress);
        }
        NbdRestoreSink sink;
        try {
            sink = NbdRestoreSink.of(NbdClient.connect(target(location), CONNECT_TIMEOUT), location);
        } catch (IOException e) {
            throw HearthException.badInput("cannot write " + location + ": " + e.getMessage());
        }
        try (sink) {
            return repository.restore(backupId, sink, progress);
        } catch (IOException e) {
            throw HearthException.badInput("closing " + location + " failed: " + e.getMessage());
        }
    }
}
