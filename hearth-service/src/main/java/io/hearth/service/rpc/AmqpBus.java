package io.hearth.service.rpc;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus over RabbitMQ, for services in separate processes. Each topic is a durable queue bound to the
 * {@code control_exchange} (a topic exchange), so competing processes share a topic's work and a cast to
 * {@link Topics#onHost} reaches one host. Messages are persistent and published with confirms; a delivery is
 * acknowledged only after its handler returned (and the reply, if any, was sent), or as soon as the handler
 * answers {@link Accepted} (its work is recorded in SQL), so the work of a process that dies before that is
 * redelivered — handlers must therefore be idempotent (they re-read SQL and compare-and-set). Calls wait
 * on this bus's own reply queue. The connection and its queues, bindings and consumers come back by themselves
 * after a broker restart; publishing waits for that up to {@code publishRetry}.
 */
public final class AmqpBus implements Bus {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpBus.class);
    private static final int PERSISTENT = 2;
    private static final String JSON = "application/json";
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final TransportUrl url;
    private final String exchange;
    private final int prefetch;
    private final Duration publishRetry;
    private final MessageCodec codec;
    private final Connection connection;
    private final String replyQueue;
    private final BlockingQueue<Channel> idlePublishers = new LinkedBlockingQueue<>();
    private final Set<String> returned = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<byte[]>> pendingCalls = new ConcurrentHashMap<>();
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    /**
     * Connects, declares the exchange and this bus's reply queue.
     *
     * @param exchange the control exchange; its name also prefixes the queues, so deployments (and tests) can share a
     *     virtual host
     * @param prefetch unacknowledged deliveries a topic's consumer holds at once (0: no limit)
     * @param publishRetry how long a cast or reply keeps trying while the broker is away
     */
    public AmqpBus(TransportUrl url, String exchange, int prefetch, Duration publishRetry, MessageCodec codec, String clientName) {
        this.url = url;
        this.exchange = exchange;
        this.prefetch = prefetch;
        this.publishRetry = publishRetry;
        this.codec = codec;
        ConnectionFactory factory = url.connectionFactory();
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1000);
        factory.setConnectionTimeout(10_000);
        this.replyQueue = exchange + ".reply." + UUID.randomUUID();
        try {
            this.connection = factory.newConnection(clientName);
            ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recovered) {
                    LOG.info("connection to {} recovered", url);
                }

                @Override
                public void handleRecoveryStarted(Recoverable recovering) {
                    LOG.warn("connection to {} lost, reconnecting", url);
                }
            });
            Channel setup = connection.createChannel();
            // A topic exchange, as oslo.messaging's: exact binding keys route RPC as a direct exchange would, and
            // notification consumers bind notifications.* patterns to the same exchange.
            setup.exchangeDeclare(exchange, "topic", true);
            Channel replies = connection.createChannel();
            // Client-named, so topology recovery declares it again under the same name after a broker restart.
            replies.queueDeclare(replyQueue, false, true, true, null);
            replies.basicConsume(replyQueue, true, (tag, delivery) -> {
                CompletableFuture<byte[]> pending = pendingCalls.get(delivery.getProperties().getCorrelationId());
                if (pending != null) {
                    pending.complete(delivery.getBody());
                }
            }, tag -> {});
        } catch (IOException | TimeoutException e) {
            throw new HearthException(ErrorCategory.UNAVAILABLE, "Cannot reach the message broker at " + url + " (transport_url): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void subscribe(String topic, MessageHandler handler) {
        if (!topics.add(topic)) {
            throw new IllegalStateException("topic " + topic + " already has a subscriber");
        }
        String queue = queue(topic);
        try {
            Channel channel = connection.createChannel();
            channel.basicQos(prefetch);
            channel.queueDeclare(queue, true, false, false, null);
            channel.queueBind(queue, exchange, topic);
            channel.basicConsume(queue, false, (tag, delivery) -> {
                inFlight.incrementAndGet();
                handlers.submit(() -> {
                    try {
                        process(channel, topic, handler, delivery);
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
            },
                    tag -> LOG.warn("the broker cancelled the consumer of {}", queue));
        } catch (IOException e) {
            topics.remove(topic);
            throw new IllegalStateException("Cannot subscribe to " + queue + " at " + url + ": " + e.getMessage(), e);
        }
    }

    private void process(Channel channel, String topic, MessageHandler handler, Delivery delivery) {
        long tag = delivery.getEnvelope().getDeliveryTag();
        AMQP.BasicProperties properties = delivery.getProperties();
        Record message;
        try {
            message = codec.decode(properties.getType(), delivery.getBody());
        } catch (IllegalArgumentException e) {
            // Redelivering it would fail the same way forever.
            LOG.error("dropping an unreadable message on {}: {}", topic, e.getMessage());
            settle(channel, tag, false);
            return;
        }
        byte[] reply;
        try {
            Object result = handler.handle(message);
            if (result instanceof Accepted accepted) {
                settle(channel, tag, true);
                runAccepted(topic, message, accepted);
                return;
            }
            reply = properties.getReplyTo() == null ? null : codec.encodeReply(result);
        } catch (InterruptedException e) {
            // Shutting down: no ack, so the broker gives the message to another process.
            Thread.currentThread().interrupt();
            return;
        } catch (Exception | Error e) {
            if (closing) {
                return;
            }
            // Handlers record failures on the resource; this is the last resort against a silent loss.
            LOG.error("{} to {} failed{}", message, topic, delivery.getEnvelope().isRedeliver() ? " (redelivered)" : "", e);
            reply = properties.getReplyTo() == null ? null : codec.encodeFailure(topic, e);
        }
        if (reply != null) {
            AMQP.BasicProperties replyProperties = new AMQP.BasicProperties.Builder().contentType(JSON)
                    .correlationId(properties.getCorrelationId()).messageId(UUID.randomUUID().toString()).build();
            try {
                publish("", properties.getReplyTo(), replyProperties, reply, false, publishRetry);
            } catch (ServiceException e) {
                LOG.warn("reply to {} on {} lost: {}", properties.getCorrelationId(), topic, e.getMessage());
            }
        }
        settle(channel, tag, true);
    }

    /** The work after the acknowledgement: its failures are the handler's to record; an interrupt is a shutdown. */
    private void runAccepted(String topic, Record message, Accepted accepted) {
        try {
            accepted.rest().run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            if (!closing) {
                LOG.error("{} to {} failed after its acknowledgement", message, topic, e);
            }
        }
    }

    private void settle(Channel channel, long tag, boolean handled) {
        try {
            synchronized (channel) {
                if (handled) {
                    channel.basicAck(tag, false);
                } else {
                    channel.basicReject(tag, false);
                }
            }
        } catch (IOException | ShutdownSignalException e) {
            // The connection dropped meanwhile: the broker redelivers, and the idempotent handler does no harm.
            LOG.warn("acknowledgement of delivery {} lost: {}", tag, e.getMessage());
        }
    }

    @Override
    public void cast(String topic, Record message) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType(JSON).deliveryMode(PERSISTENT)
                .type(codec.typeName(message)).messageId(UUID.randomUUID().toString()).build();
        send(topic, properties, codec.encode(message), publishRetry);
    }

    @Override
    public <R> R call(String topic, Record message, Class<R> replyType, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String correlationId = UUID.randomUUID().toString();
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        pendingCalls.put(correlationId, reply);
        try {
            // The request expires with the caller's patience: nobody should work on a call nobody waits for.
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType(JSON).deliveryMode(PERSISTENT)
                    .type(codec.typeName(message)).messageId(correlationId).correlationId(correlationId).replyTo(replyQueue)
                    .expiration(Long.toString(Math.max(1, timeout.toMillis()))).build();
            send(topic, properties, codec.encode(message), timeout.compareTo(publishRetry) < 0 ? timeout : publishRetry);
            byte[] body = reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return codec.decodeReply(body, replyType);
        } catch (TimeoutException e) {
            throw new ServiceException(ErrorKind.UNAVAILABLE, "Timed out waiting for a reply from " + topic + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(ErrorKind.UNAVAILABLE, "Interrupted waiting for " + topic + ".");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pendingCalls.remove(correlationId);
        }
    }

    /**
     * An oslo.messaging notification: persistent, on the control exchange, not mandatory (nobody has to listen), and
     * tried once: a notification is not worth holding up a backup while the broker is away.
     */
    @Override
    public void publishEvent(String routingKey, byte[] body) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType(JSON).contentEncoding("utf-8")
                .deliveryMode(PERSISTENT).messageId(UUID.randomUUID().toString()).build();
        try {
            publish(exchange, routingKey, properties, body, false, Duration.ZERO);
        } catch (ServiceException e) {
            LOG.warn("notification on {} lost: {}", routingKey, e.getMessage());
        }
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public Optional<String> unavailableReason() {
        return connection.isOpen() ? Optional.empty()
                : Optional.of("the connection to the message broker at " + url + " is down (reconnecting); check that RabbitMQ runs");
    }

    /** Publishes to a topic; a topic that has no queue yet has no service to do the work. */
    private void send(String topic, AMQP.BasicProperties properties, byte[] body, Duration retry) {
        publish(exchange, topic, properties, body, true, retry);
        if (returned.remove(properties.getMessageId())) {
            throw new ServiceException(ErrorKind.UNAVAILABLE, "Service " + topic + " could not be found.");
        }
    }

    /** Publishes and waits for the broker's confirm, retrying on a fresh channel while the broker is away. */
    private void publish(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body, boolean mandatory,
            Duration retry) {
        long deadline = System.nanoTime() + retry.toNanos();
        Duration backoff = Duration.ofMillis(50);
        while (true) {
            Channel channel = null;
            try {
                channel = publisher();
                channel.basicPublish(exchange, routingKey, mandatory, properties, body);
                // A return (unroutable) arrives before its confirm, so it is recorded once this returns.
                channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
                idlePublishers.add(channel);
                return;
            } catch (IOException | TimeoutException | ShutdownSignalException e) {
                discard(channel);
                if (closing || System.nanoTime() + backoff.toNanos() > deadline) {
                    throw new ServiceException(ErrorKind.UNAVAILABLE,
                            "The message broker at " + url + " did not take a message for " + routingKey + ": " + e.getMessage());
                }
                LOG.warn("publishing to {} failed, retrying in {} ms: {}", routingKey, backoff.toMillis(), e.getMessage());
            } catch (InterruptedException e) {
                discard(channel);
                Thread.currentThread().interrupt();
                throw new ServiceException(ErrorKind.UNAVAILABLE, "Interrupted publishing to " + routingKey + ".");
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceException(ErrorKind.UNAVAILABLE, "Interrupted publishing to " + routingKey + ".");
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** An idle confirm-mode channel, or a new one: a channel must not carry two publishers' confirms at once. */
    private Channel publisher() throws IOException {
        Channel idle = idlePublishers.poll();
        if (idle != null) {
            return idle;
        }
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the connection has no free channel");
        }
        channel.confirmSelect();
        channel.addReturnListener(r -> returned.add(r.getProperties().getMessageId()));
        return channel;
    }

    private static void discard(Channel channel) {
        if (channel != null) {
            try {
                channel.abort();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing a failed channel: {}", e.getMessage());
            }
        }
    }

    private String queue(String topic) {
        return exchange + "." + topic;
    }

    @Override
    public void close() {
        closing = true;
        handlers.shutdownNow();
        try {
            // Unacknowledged deliveries go back to their queues for other processes.
            connection.close(5_000);
        } catch (IOException | ShutdownSignalException e) {
            LOG.debug("closing the broker connection: {}", e.getMessage());
        }
    }
}
