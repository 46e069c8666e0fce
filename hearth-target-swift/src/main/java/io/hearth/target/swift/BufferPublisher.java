package io.hearth.target.swift;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body that streams a caller's buffer (heap or direct) in read-only slices, so a 16 MiB pack is sent without
 * being copied into a byte array first. Each subscription (the client may resend) starts from the beginning.
 */
final class BufferPublisher implements Flow.Publisher<ByteBuffer> {
    private static final int SLICE = 256 * 1024;

    private final ByteBuffer data;

    BufferPublisher(ByteBuffer data) {
        this.data = data.asReadOnlyBuffer();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        ByteBuffer view = data.duplicate();
        subscriber.onSubscribe(new Flow.Subscription() {
            private boolean done;

            @Override
            public synchronized void request(long n) {
                if (done) {
                    return;
                }
                if (n <= 0) {
                    done = true;
                    subscriber.onError(new IllegalArgumentException("non-positive request: " + n));
                    return;
                }
                // onNext may call request again (same thread, re-entrant lock): 'done' and 'view' stay consistent.
                for (long left = n; left > 0 && view.hasRemaining() && !done; left--) {
                    int length = Math.min(SLICE, view.remaining());
                    ByteBuffer slice = view.slice(view.position(), length);
                    view.position(view.position() + length);
                    subscriber.onNext(slice);
                }
                if (!done && !view.hasRemaining()) {
                    done = true;
                    subscriber.onComplete();
                }
            }

            @Override
            public synchronized void cancel() {
                done = true;
            }
        });
    }
}
