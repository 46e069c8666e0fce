package io.hearth.service.rpc;

import java.time.Duration;
import java.util.Optional;

/**
 * How the api, scheduler, volume and backup services talk: casts (fire and forget) and calls (wait for the
 * reply, with a timeout) to a topic. In-process now; AMQP later behind the same interface, so messages are
 * plain records that carry ids and intent, and handlers re-read SQL and compare-and-set.
 */
public interface Bus extends AutoCloseable {
    void subscribe(String topic, MessageHandler handler);

    /** Delivers the message to the topic's handler later; fails at once if nobody listens on the topic. */
    void cast(String topic, Record message);

    /** Delivers the message and waits for the handler's reply. */
    <R> R call(String topic, Record message, Class<R> replyType, Duration timeout);

    /**
     * Publishes an event nobody has to listen to (an oslo.messaging notification) under {@code routingKey}
     * ({@code notifications.info}); failing to publish never fails the caller's work, so this only logs.
     */
    void publishEvent(String routingKey, byte[] body);

    /** Messages this process is handling now: the depth of its share of the queues. */
    int inFlight();

    /** Why the bus cannot carry messages now (for the readiness check); empty when it can. */
    default Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    void close();
}
