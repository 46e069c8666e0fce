package io.hearth.service.rpc;

import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import java.time.Duration;
import java.util.Map;
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

    @Override
    public void subscribe(String topic, MessageHandler handler) {
        if (handlers.putIfAbsent(topic, handler) != null) {
            throw new IllegalStateException("topic " + topic + " already has a subscriber");
        }
    }

    @Override
    public void cast(String topic, Record message) {
        MessageHandler handler = handler(topic);
        executor.submit(() -> {
            try {
                handler.handle(message);
            } catch (Exception | Error e) {
                // Handlers record failures on the resource; this is the last resort against a silent loss.
                LOG.error("cast {} to {} failed", message, topic, e);
            }
            return null;
        });
    }

    @Override
    public <R> R call(String topic, Record message, Class<R> replyType, Duration timeout) {
        MessageHandler handler = handler(topic);
        Future<Object> reply = executor.submit(() -> handler.handle(message));
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
