package io.hearth.bench;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ForwardingTarget;
import io.hearth.engine.target.ObjectInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/** Adds a fixed delay to every request of a target, as a distant store would: shows whether parallel requests hide it. */
final class LatencyTarget extends ForwardingTarget {
    private final Duration delay;

    LatencyTarget(BackupTarget delegate, Duration delay) {
        super(delegate);
        this.delay = requireNonNull(delay, "delay is null");
    }

    private void pause() throws IOException {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while simulating latency");
        }
    }

    @Override
    public boolean putIfAbsent(String key, ByteBuffer data) throws IOException {
        pause();
        return delegate.putIfAbsent(key, data);
    }

    @Override
    public InputStream get(String key) throws IOException {
        pause();
        return delegate.get(key);
    }

    @Override
    public void readInto(String key, long offset, ByteBuffer destination) throws IOException {
        pause();
        delegate.readInto(key, offset, destination);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        pause();
        return delegate.stat(key);
    }

    @Override
    public Stream<ObjectInfo> list(String prefix) throws IOException {
        pause();
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
        pause();
        delegate.delete(key);
    }

    @Override
    public int removeAbandonedUploads(String prefix, Instant startedBefore) throws IOException {
        pause();
        return delegate.removeAbandonedUploads(prefix, startedBefore);
    }
}
