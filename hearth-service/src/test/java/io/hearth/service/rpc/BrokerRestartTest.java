package io.hearth.service.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.service.db.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A full broker restart ({@code rabbitmqctl stop_app; start_app}) in the middle of a stream of casts: every cast
 * arrives. Off by default, because it disturbs everyone using the broker: {@code -Dhearth.test.broker_restart=true};
 * {@code -Pdatabases} (CI) runs it once, after the other tests of the module.
 */
@EnabledIfSystemProperty(named = "hearth.test.broker_restart", matches = "true")
class BrokerRestartTest {
    private static final int MESSAGES = 300;

    sealed interface Numbered {
        record Item(int number) implements Numbered {}
    }

    @Test
    void noCastIsLostAcrossABrokerRestart() throws Exception {
        MessageCodec codec = new MessageCodec(Json.MAPPER, List.of(Numbered.class));
        Map<Integer, Integer> received = new ConcurrentHashMap<>();
        CountDownLatch some = new CountDownLatch(50);
        CountDownLatch all = new CountDownLatch(MESSAGES);
        try (RabbitBroker broker = new RabbitBroker()) {
            AmqpBus server = broker.bus(codec, broker.exchange() + "-server");
            server.subscribe("work", message -> {
                if (received.merge(((Numbered.Item) message).number(), 1, Integer::sum) == 1) {
                    all.countDown();
                }
                some.countDown();
                return null;
            });
            AmqpBus client = broker.bus(codec, broker.exchange() + "-client");
            Thread publisher = Thread.ofVirtual().start(() -> IntStream.range(0, MESSAGES).forEach(i -> client.cast("work", new Numbered.Item(i))));
            assertThat(some.await(60, TimeUnit.SECONDS)).isTrue();

            RabbitBroker.rabbitmqctl("stop_app");
            RabbitBroker.rabbitmqctl("start_app");

            publisher.join(Duration.ofMinutes(3));
            assertThat(publisher.isAlive()).as("every cast returned").isFalse();
            all.await(2, TimeUnit.MINUTES);
            assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(IntStream.range(0, MESSAGES).boxed().toList());
            long twice = received.values().stream().filter(n -> n > 1).count();
            // Delivered twice is allowed (a confirm or an acknowledgement lost with the connection); the handlers are idempotent.
            System.out.println("broker restart: " + MESSAGES + " casts, all delivered, " + twice + " delivered more than once");
        }
    }
}
