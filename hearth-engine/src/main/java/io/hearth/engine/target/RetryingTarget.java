package io.hearth.engine.target;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Retries the requests of a target after transient failures ({@link TransientTargetException}, refused connections,
 * timeouts), with the backoff of a {@link RetryPolicy}. Stacked once when a target is opened, so targets do not
 * retry on their own.
 *
 * <p>A create that failed after the server stored the object would, retried, find the object and answer
 * "already there". The engine reads that answer (a manifest or a lock that exists belongs to someone else), so after
 * a failed try this class compares what is stored with what it wrote and, if they are the same bytes, reports the
 * create as its own.
 */
public final class RetryingTarget extends ForwardingTarget {
    private final RetryPolicy policy;
    private final TargetErrorListener errors;

    public RetryingTarget(BackupTarget delegate, RetryPolicy policy) {
        this(delegate, policy, TargetErrorListener.NONE);
    }

    /** {@code errors} hears of every failed try, retried or not (the service counts them). */
    public RetryingTarget(BackupTarget delegate, RetryPolicy policy, TargetErrorListener errors) {
        super(delegate);
        this.policy = requireNonNull(policy, "policy is null");
        this.errors = requireNonNull(errors, "errors is null");
    }

    @FunctionalInterface
    private interface Request<T> {
        T run(int attempt) throws IOException;
    }

    private <T> T retry(String what, Request<T> request) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return request.run(attempt);
            } catch (IOException e) {
                boolean retried = isTransient(e) && attempt < policy.attempts();
                // Not-found answers are how the engine asks whether something exists, not errors of the target.
                if (!(e instanceof ObjectNotFoundException)) {
                    errors.failed(what.substring(0, what.indexOf(' ')), e, retried);
                }
                if (!retried) {
                    throw e;
                }
                pause(attempt + 1, what, e);
            }
        }
    }

    static boolean isTransient(IOException e) {
        return e instanceof TransientTargetException || e instanceof ConnectException || e instanceof SocketTimeoutException;
    }

    private void pause(int nextAttempt, String what, IOException cause) throws IOException {
        long ceiling = policy.backoffCeiling(nextAttempt).toMillis();
        long millis = ceiling == 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while retrying " + what);
            interrupted.addSuppressed(cause);
            throw interrupted;
        }
    }

    @Override
    public boolean putIfAbsent(String key, ByteBuffer data) throws IOException {
        return retry("put " + key, attempt -> {
            boolean created = delegate.putIfAbsent(key, data);
            return created || (attempt > 1 && storedEquals(key, data));
        });
    }

    private boolean storedEquals(String key, ByteBuffer data) throws IOException {
        Optional<ObjectInfo> info = delegate.stat(key);
        if (info.isEmpty() || info.get().size() != data.remaining()) {
            return false;
        }
        try (InputStream in = delegate.get(key)) {
            byte[] expected = new byte[data.remaining()];
            data.duplicate().get(expected);
            return Arrays.equals(in.readAllBytes(), expected);
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        return retry("get " + key, attempt -> delegate.get(key));
    }

    @Override
    public void readInto(String key, long offset, ByteBuffer destination) throws IOException {
        int start = destination.position();
        retry("get " + key, attempt -> {
            destination.position(start);
            delegate.readInto(key, offset, destination);
            return null;
        });
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        return retry("stat " + key, attempt -> delegate.stat(key));
    }

    @Override
    public Stream<ObjectInfo> list(String prefix) throws IOException {
        return retry("list " + prefix, attempt -> delegate.list(prefix));
    }

    @Override
    public void delete(String key) throws IOException {
        retry("delete " + key, attempt -> {
            delegate.delete(key);
            return null;
        });
    }

    @Override
    public int removeAbandonedUploads(String prefix, Instant startedBefore) throws IOException {
        return retry("clean " + prefix, attempt -> delegate.removeAbandonedUploads(prefix, startedBefore));
    }
}
