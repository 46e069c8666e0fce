package io.hearth.service.rpc;

import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bus inside one process: each message runs on its own virtual thread. */
public final class InProcessBus implements Bus {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessBus.class);

    private final Map<String, MessageHandler> handlers = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<BiConsumer<String, byte[]>> eventListeners = new CopyOnWriteArrayList<>();

    /** Hears every event published on this bus, as a queue bound to the exchange would (tests, in-process consumers). */
    public void listenToEvents(BiConsumer<String, byte[]> listener) {
        eventListeners.add(listener);
    }

    @Override
    public void publishEvent(String routingKey, byte[] body) {
        for (BiConsumer<String, byte[]> listener : eventListeners) {
            try {
                listener.accept(routingKey, body);
            } catch (RuntimeException e) {
                LOG.warn("an event listener failed on {}", routingKey, e);
            }
        }
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void subscribe(String topic, MessageHandler handler) {
        if (handlers.putIfAbsent(topic, handler) != null) {
            throw new IllegalStateException("topic " + topic + " already has a subscriber");
        }
    }

    @Override
    public void cast(String topic, Record message) {
        MessageHandler handler = handler(topic);
        inFlight.incrementAndGet();
        executor.submit(() -> {
            try {
                if (handler.handle(message) instanceof Accepted accepted) {
                    accepted.rest().run();
                }
            } catch (Exception | Error e) {
                // Handlers record failures on the resource; this is the last resort against a silent loss.
                LOG.error("cast {} to {} failed", message, topic, e);
            } finally {
                inFlight.decrementAndGet();
            }
            return null;
        });
    }

    @Override
    public <R> R call(String topic, Record message, Class<R> replyType, Duration timeout) {
        MessageHandler handler = handler(topic);
        inFlight.incrementAndGet();
        Future<Object> reply = executor.submit(() -> {
            try {
                return handler.handle(message);
            } finally {
                inFlight.decrementAndGet();
            }
        });
        try {
            return replyType.cast(reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            reply.cancel(true);
            throw new ServiceException(ErrorKind.UNAVAILABLE, "Timed out waiting for a reply from " + topic + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(ErrorKind.UNAVAILABLE, "Interrupted waiting for " + topic + ".");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private MessageHandler handler(String topic) {
        MessageHandler handler = handlers.get(topic);
        if (handler == null) {
            throw new ServiceException(ErrorKind.UNAVAILABLE, "Service " + topic + " could not be found.");
        }
        return handler;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
