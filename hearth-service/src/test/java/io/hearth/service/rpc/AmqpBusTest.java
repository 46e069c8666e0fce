package io.hearth.service.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.service.db.Json;
import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bus over the real RabbitMQ on loopback. */
class AmqpBusTest {
    private static final long WAIT_SECONDS = 30;

    sealed interface TestMessage {
        record Echo(String text) implements TestMessage {}

        record Fail(ErrorKind kind, String message) implements TestMessage {}

        record Hold(String id) implements TestMessage {}
    }

    record Echoed(String text, String by) {}

    private final MessageCodec codec = new MessageCodec(Json.MAPPER, List.of(TestMessage.class));
    private RabbitBroker broker;

    @BeforeEach
    void start() {
        broker = new RabbitBroker();
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    private String name(String role) {
        return broker.exchange() + "-" + role + "-" + UUID.randomUUID();
    }

    /** A handler that answers echoes as {@code by}, fails on request and records every message it got. */
    private static MessageHandler handler(String by, BlockingQueue<Record> seen) {
        return message -> {
            seen.add(message);
            return switch ((TestMessage) message) {
                case TestMessage.Echo echo -> new Echoed(echo.text(), by);
                case TestMessage.Fail fail -> throw new ServiceException(fail.kind(), fail.message());
                case TestMessage.Hold hold -> null;
            };
        };
    }

    @Test
    void castReachesTheTopicAndAHostTopicReachesOnlyThatHost() throws Exception {
        BlockingQueue<Record> first = new LinkedBlockingQueue<>();
        BlockingQueue<Record> second = new LinkedBlockingQueue<>();
        AmqpBus a = broker.bus(codec, name("a"));
        AmqpBus b = broker.bus(codec, name("b"));
        a.subscribe(Topics.onHost("work", "a"), handler("a", first));
        b.subscribe(Topics.onHost("work", "b"), handler("b", second));
        b.subscribe("work", handler("b", second));

        a.cast(Topics.onHost("work", "b"), new TestMessage.Echo("to b"));
        a.cast("work", new TestMessage.Echo("to anyone"));

        assertThat(second.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
        assertThat(second.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
        assertThat(List.of(second.isEmpty(), first.isEmpty())).containsExactly(true, true);
        assertThat(broker.messagesIn(Topics.onHost("work", "a"))).isZero();
    }

    @Test
    void callReturnsTheTypedReplyAndCarriesTheRemoteFailure() {
        AmqpBus server = broker.bus(codec, name("server"));
        AmqpBus client = broker.bus(codec, name("client"));
        server.subscribe("work", handler("server", new LinkedBlockingQueue<>()));

        Echoed reply = client.call("work", new TestMessage.Echo("hello"), Echoed.class, Duration.ofSeconds(WAIT_SECONDS));
        assertThat(reply).isEqualTo(new Echoed("hello", "server"));

        assertThatThrownBy(() -> client.call("work", new TestMessage.Fail(ErrorKind.NOT_FOUND, "Backup x could not be found."),
                Echoed.class, Duration.ofSeconds(WAIT_SECONDS)))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessage("Backup x could not be found.");
        assertThat(client.call("work", new TestMessage.Hold("none"), Echoed.class, Duration.ofSeconds(WAIT_SECONDS))).isNull();
    }

    @Test
    void callTimesOutWhenTheHandlerTakesTooLongAndTheLateRequestExpires() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AmqpBus server = broker.bus(codec, name("server"));
        AmqpBus client = broker.bus(codec, name("client"));
        server.subscribe("slow", message -> {
            release.await();
            return new Echoed("late", "server");
        });

        long started = System.nanoTime();
        assertThatThrownBy(() -> client.call("slow", new TestMessage.Echo("x"), Echoed.class, Duration.ofMillis(500)))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
                .hasMessageContaining("Timed out waiting for a reply from slow");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(450), Duration.ofSeconds(10));
        release.countDown();
        // The bus still works for the next call.
        assertThat(client.call("slow", new TestMessage.Echo("y"), Echoed.class, Duration.ofSeconds(WAIT_SECONDS)))
                .isEqualTo(new Echoed("late", "server"));
    }

    @Test
    void aTopicNobodyServesFailsAtOnce() {
        AmqpBus client = broker.bus(codec, name("client"));
        assertThatThrownBy(() -> client.cast("nobody", new TestMessage.Echo("x")))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
                .hasMessage("Service nobody could not be found.");
        long started = System.nanoTime();
        assertThatThrownBy(() -> client.call("nobody", new TestMessage.Echo("x"), Echoed.class, Duration.ofSeconds(WAIT_SECONDS)))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
                .hasMessage("Service nobody could not be found.");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThatThrownBy(() -> client.cast("nobody", new Echoed("not", "a message")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a known message");
    }

    @Test
    void aMessageWhoseWorkerDiesBeforeFinishingGoesToAnotherWorker() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AmqpBus dying = broker.bus(codec, name("dying"));
        dying.subscribe("work", message -> {
            started.countDown();
            new CountDownLatch(1).await();
            return null;
        });
        AmqpBus client = broker.bus(codec, name("client"));
        client.cast("work", new TestMessage.Echo("survives"));
        assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        dying.close();
        BlockingQueue<Record> seen = new LinkedBlockingQueue<>();
        AmqpBus heir = broker.bus(codec, name("heir"));
        heir.subscribe("work", handler("heir", seen));

        assertThat(seen.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new TestMessage.Echo("survives"));
        assertThat(seen.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void afterTheBrokerClosesTheConnectionTheBusReconnectsAndTheUnfinishedMessageComesBack() throws Exception {
        String serverName = name("server");
        AmqpBus server = broker.bus(codec, serverName);
        BlockingQueue<Record> seen = new LinkedBlockingQueue<>();
        CountDownLatch firstDelivery = new CountDownLatch(1);
        CountDownLatch connectionClosed = new CountDownLatch(1);
        server.subscribe("work", message -> {
            seen.add(message);
            if (message instanceof TestMessage.Hold && firstDelivery.getCount() == 1) {
                // The first delivery is still unacknowledged when the connection goes; its acknowledgement is lost.
                firstDelivery.countDown();
                connectionClosed.await();
                return null;
            }
            return message instanceof TestMessage.Echo echo ? new Echoed(echo.text(), "server") : null;
        });
        AmqpBus client = broker.bus(codec, name("client"));
        client.cast("work", new TestMessage.Hold("unfinished"));
        assertThat(firstDelivery.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        broker.closeConnection(serverName);
        connectionClosed.countDown();

        // The redelivery of the unacknowledged message, then new work both ways.
        assertThat(seen.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new TestMessage.Hold("unfinished"));
        assertThat(seen.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new TestMessage.Hold("unfinished"));
        assertThat(client.call("work", new TestMessage.Echo("after"), Echoed.class, Duration.ofSeconds(WAIT_SECONDS)))
                .isEqualTo(new Echoed("after", "server"));
        server.cast("work", new TestMessage.Echo("from the reconnected bus"));
        assertThat(seen.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new TestMessage.Echo("after"));
        assertThat(seen.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new TestMessage.Echo("from the reconnected bus"));
    }

    @Test
    void aCallerWhoseConnectionIsClosedGetsItsReplyQueueBack() throws Exception {
        String clientName = name("client");
        AmqpBus server = broker.bus(codec, name("server"));
        AmqpBus client = broker.bus(codec, clientName);
        server.subscribe("work", handler("server", new LinkedBlockingQueue<>()));
        assertThat(client.call("work", new TestMessage.Echo("before"), Echoed.class, Duration.ofSeconds(WAIT_SECONDS))).isNotNull();

        broker.closeConnection(clientName);

        assertThat(client.call("work", new TestMessage.Echo("after"), Echoed.class, Duration.ofSeconds(WAIT_SECONDS)))
                .isEqualTo(new Echoed("after", "server"));
    }

    @Test
    void anUnreadableMessageIsDroppedAndTheNextOneStillArrives() throws Exception {
        BlockingQueue<Record> seen = new LinkedBlockingQueue<>();
        AmqpBus server = broker.bus(codec, name("server"));
        server.subscribe("work", handler("server", seen));

        broker.publishRaw("work", "Echo", "{not json".getBytes(StandardCharsets.UTF_8));
        broker.publishRaw("work", "java.lang.Runtime", "{}".getBytes(StandardCharsets.UTF_8));
        broker.bus(codec, name("client")).cast("work", new TestMessage.Echo("fine"));

        assertThat(seen.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new TestMessage.Echo("fine"));
        assertThat(broker.messagesIn("work")).isZero();
    }

    @Test
    void aHandlerThatAcceptsItsWorkOutlivesTheConsumerTimeoutAndRunsOnce() throws Exception {
        BlockingQueue<Record> accepted = new LinkedBlockingQueue<>();
        BlockingQueue<Record> finished = new LinkedBlockingQueue<>();
        CountDownLatch release = new CountDownLatch(1);
        AmqpBus client = broker.bus(codec, name("client"));
        broker.withConsumerTimeout(Duration.ofSeconds(2), () -> {
            AmqpBus server = broker.bus(codec, name("server"));
            server.subscribe("accepting", message -> {
                accepted.add(message);
                return new Accepted(() -> {
                    release.await();
                    finished.add(message);
                });
            });
            // The control: work done before the acknowledgement, as every handler did before Accepted.
            server.subscribe("holding", message -> {
                release.await();
                return null;
            });
        });
        try {
            client.cast("accepting", new TestMessage.Hold("long"));
            client.cast("holding", new TestMessage.Hold("long"));
            assertThat(accepted.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new TestMessage.Hold("long"));
            // The broker timed the control out: it closed that channel and put its message back (nobody consumes it now).
            awaitMessagesIn("holding", 1);
        } finally {
            release.countDown();
        }
        assertThat(finished.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new TestMessage.Hold("long"));
        assertThat(broker.messagesIn("accepting")).isZero();
        // Its channel is still open: the next message is handled, and the long one never came back.
        client.cast("accepting", new TestMessage.Hold("next"));
        assertThat(accepted.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new TestMessage.Hold("next"));
        assertThat(finished.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new TestMessage.Hold("next"));
        assertThat(accepted).isEmpty();
    }

    private void awaitMessagesIn(String topic, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (broker.messagesIn(topic) != expected) {
            assertThat(System.nanoTime()).as("messages in " + topic).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void anUnreachableBrokerIsAClearError() {
        TransportUrl nowhere = new TransportUrl("127.0.0.1", 1, "guest", "guest", "/");
        assertThatThrownBy(() -> new AmqpBus(nowhere, "x", 1, Duration.ofSeconds(1), codec, "nowhere"))
                .hasMessageStartingWith("Cannot reach the message broker at rabbit://guest@127.0.0.1:1/ (transport_url)")
                .hasMessageNotContaining("guest:guest");
    }
}
