package io.hearth.engine.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetryingTargetTest {
    @TempDir
    Path dir;

    private static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(4));

    /** A directory that fails its next {@code failures} requests, before or after doing the work. */
    private static final class FlakyTarget extends ForwardingTarget {
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        boolean failAfterWork;
        IOException failure = new TransientTargetException("503 Slow Down");

        FlakyTarget(Path root) throws IOException {
            super(new PosixTarget(root, false));
        }

        private void maybeFail() throws IOException {
            calls.incrementAndGet();
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw failure;
            }
        }

        @Override
        public boolean putIfAbsent(String key, ByteBuffer data) throws IOException {
            if (failAfterWork) {
                boolean created = delegate.putIfAbsent(key, data);
                maybeFail();
                return created;
            }
            maybeFail();
            return delegate.putIfAbsent(key, data);
        }

        @Override
        public InputStream get(String key) throws IOException {
            maybeFail();
            return delegate.get(key);
        }

        @Override
        public void readInto(String key, long offset, ByteBuffer destination) throws IOException {
            maybeFail();
            delegate.readInto(key, offset, destination);
        }

        @Override
        public Stream<ObjectInfo> list(String prefix) throws IOException {
            maybeFail();
            return delegate.list(prefix);
        }

        @Override
        public void delete(String key) throws IOException {
            maybeFail();
            delegate.delete(key);
        }
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void transientFailuresAreRetriedUntilTheRequestSucceeds() throws IOException {
        FlakyTarget flaky = new FlakyTarget(dir);
        BackupTarget target = new RetryingTarget(flaky, QUICK);
        flaky.failures.set(3);
        assertThat(target.putIfAbsent("a", text("hello"))).isTrue();
        assertThat(flaky.calls).hasValue(4);
        flaky.failures.set(2);
        assertThat(target.getRange("a", 1, 3).remaining()).isEqualTo(3);
    }

    @Test
    void afterTheLastAttemptTheFailureReachesTheCaller() throws IOException {
        FlakyTarget flaky = new FlakyTarget(dir);
        BackupTarget target = new RetryingTarget(flaky, QUICK);
        flaky.failures.set(10);
        assertThatThrownBy(() -> target.putIfAbsent("a", text("x"))).isInstanceOf(TransientTargetException.class)
                .hasMessageContaining("503");
        assertThat(flaky.calls).hasValue(4);
    }

    @Test
    void permanentFailuresAreNotRetried() throws IOException {
        FlakyTarget flaky = new FlakyTarget(dir);
        flaky.failure = new IOException("403 Access Denied");
        BackupTarget target = new RetryingTarget(flaky, QUICK);
        flaky.failures.set(1);
        assertThatThrownBy(() -> target.delete("a")).hasMessageContaining("403");
        assertThat(flaky.calls).hasValue(1);
        assertThatThrownBy(() -> target.get("missing")).isInstanceOf(ObjectNotFoundException.class);
        assertThat(flaky.calls).hasValue(2);
    }

    @Test
    void everyFailedTryIsToldToTheListenerButNotFoundIsNot() throws IOException {
        FlakyTarget flaky = new FlakyTarget(dir);
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupTarget target = new RetryingTarget(flaky, QUICK, (operation, error, retried) -> heard.add(operation + ":" + retried));
        flaky.failures.set(2);
        assertThat(target.putIfAbsent("a", text("x"))).isTrue();
        assertThat(heard).containsExactly("put:true", "put:true");

        flaky.failures.set(10);
        assertThatThrownBy(() -> target.list("a")).isInstanceOf(TransientTargetException.class);
        assertThat(heard.subList(2, heard.size())).containsExactly("list:true", "list:true", "list:true", "list:false");

        flaky.failures.set(0);
        assertThatThrownBy(() -> target.get("missing")).isInstanceOf(ObjectNotFoundException.class);
        assertThat(heard).hasSize(6);
    }

    @Test
    void aCreateWhoseAnswerWasLostIsReportedAsOurs() throws IOException {
        FlakyTarget flaky = new FlakyTarget(dir);
        flaky.failAfterWork = true;
        BackupTarget target = new RetryingTarget(flaky, QUICK);
        flaky.failures.set(1);
        assertThat(target.putIfAbsent("manifest", text("mine"))).as("the retry finds our own bytes").isTrue();

        flaky.failures.set(1);
        assertThat(target.putIfAbsent("manifest", text("someone else's"))).as("different bytes are not ours").isFalse();
    }

    @Test
    void backoffGrowsToItsCeiling() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));
        assertThat(policy.backoffCeiling(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoffCeiling(3)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoffCeiling(5)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.backoffCeiling(9)).isEqualTo(Duration.ofMillis(1000));
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
