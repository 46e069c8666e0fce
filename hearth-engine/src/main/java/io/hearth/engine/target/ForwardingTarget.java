package io.hearth.engine.target;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A target that hands every request to another one; decorators (retries, injected latency or failures) extend it and
 * override only what they change.
 *
 * <p>{@link #getRange} is deliberately not forwarded: the interface's default reads through {@link #readInto}, so a
 * decorator that overrides {@code readInto} covers both reads.
 */
public abstract class ForwardingTarget implements BackupTarget {
    protected final BackupTarget delegate;

    protected ForwardingTarget(BackupTarget delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    @Override
    public boolean putIfAbsent(String key, ByteBuffer data) throws IOException {
        return delegate.putIfAbsent(key, data);
    }

    @Override
    public InputStream get(String key) throws IOException {
        return delegate.get(key);
    }

    @Override
    public void readInto(String key, long offset, ByteBuffer destination) throws IOException {
        delegate.readInto(key, offset, destination);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        return delegate.stat(key);
    }

    @Override
    public Stream<ObjectInfo> list(String prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
        delegate.delete(key);
    }

    @Override
    public int removeAbandonedUploads(String prefix, Instant startedBefore) throws IOException {
        return delegate.removeAbandonedUploads(prefix, startedBefore);
    }

    @Override
    public TargetProperties properties() {
        return delegate.properties();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
