package io.hearth.service.rpc;

import java.time.Duration;

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

    @Override
    void close();
}
