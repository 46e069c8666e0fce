package io.hearth.service.rpc;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real RabbitMQ the tests use ({@code -Dhearth.test.transport_url}, default guest on 127.0.0.1:5672). Each test
 * takes its own control exchange, which also prefixes its queues, so parallel runs never share a queue.
 */
public final class RabbitBroker implements AutoCloseable {
    public static final String TRANSPORT_URL = System.getProperty("hearth.test.transport_url", "rabbit://guest:guest@127.0.0.1:5672/");
    public static final TransportUrl URL = TransportUrl.parse(TRANSPORT_URL);

    private final String exchange = "hearth-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> buses = new ArrayList<>();
    private String tickIntervalToRestore;

    public String exchange() {
        return exchange;
    }

    public AmqpBus bus(MessageCodec codec, String clientName) {
        AmqpBus bus = new AmqpBus(URL, exchange, 4, Duration.ofSeconds(30), codec, clientName);
        buses.add(bus);
        return bus;
    }

    /** Closes the named connection from the broker's side, as a broker restart or a network cut would. */
    public void closeConnection(String clientName) throws IOException, InterruptedException {
        String connections = rabbitmqctl("list_connections", "-q", "--no-table-headers", "pid", "client_properties");
        for (String line : connections.split("\n")) {
            if (line.contains("\"" + clientName + "\"")) {
                // The pid as the plain formatter prints it (<rabbit@host.N.M>) is the form close_connection takes.
                rabbitmqctl("close_connection", line.split("\t", 2)[0].strip(), "closed by a test");
                return;
            }
        }
        throw new IllegalStateException("no connection named " + clientName + " in " + connections);
    }

    /**
     * Runs {@code open}, whose channels the broker closes when one holds a delivery unacknowledged longer than
     * {@code timeout}, checked every 200 ms until this broker closes. RabbitMQ 3.10 has no per-queue or per-policy
     * consumer timeout, but a channel reads the broker-wide one when it opens: it is lowered only while {@code open}
     * runs (other users' channels opened meanwhile get it too, so keep {@code open} short).
     */
    public void withConsumerTimeout(Duration timeout, Runnable open) throws IOException, InterruptedException {
        String previous = env("consumer_timeout");
        if (tickIntervalToRestore == null) {
            tickIntervalToRestore = env("channel_tick_interval");
        }
        setEnv("channel_tick_interval", "200");
        setEnv("consumer_timeout", Long.toString(timeout.toMillis()));
        try {
            open.run();
        } finally {
            setEnv("consumer_timeout", previous);
        }
    }

    /** A rabbit application setting as an Erlang term ({@code 1800000}), or null when unset. */
    private static String env(String key) throws IOException, InterruptedException {
        String answer = rabbitmqctl("eval", "application:get_env(rabbit, " + key + ").").strip();
        return answer.startsWith("{ok,") ? answer.substring(4, answer.length() - 1) : null;
    }

    private static void setEnv(String key, String value) throws IOException, InterruptedException {
        rabbitmqctl("eval", value == null ? "application:unset_env(rabbit, " + key + ")."
                : "application:set_env(rabbit, " + key + ", " + value + ").");
    }

    /** Publishes raw bytes to a topic, as a foreign or broken sender would. */
    public void publishRaw(String topic, String type, byte[] body) throws Exception {
        try (Connection connection = factory().newConnection(); Channel channel = connection.createChannel()) {
            channel.basicPublish(exchange, topic, new com.rabbitmq.client.AMQP.BasicProperties.Builder().type(type).build(), body);
        }
    }

    public long messagesIn(String topic) throws Exception {
        try (Connection connection = factory().newConnection(); Channel channel = connection.createChannel()) {
            return channel.messageCount(exchange + "." + topic);
        }
    }

    static String rabbitmqctl(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    private static ConnectionFactory factory() {
        return URL.connectionFactory();
    }

    /** Closes the buses and removes this test's queues and exchange. */
    @Override
    public void close() throws Exception {
        for (AutoCloseable bus : buses) {
            bus.close();
        }
        if (tickIntervalToRestore != null) {
            setEnv("channel_tick_interval", tickIntervalToRestore);
        }
        try (Connection connection = factory().newConnection(); Channel channel = connection.createChannel()) {
            for (String line : rabbitmqctl("list_queues", "-q", "--no-table-headers", "name").split("\n")) {
                String queue = line.strip();
                if (queue.startsWith(exchange + ".")) {
                    channel.queueDelete(queue);
                }
            }
            channel.exchangeDelete(exchange);
        }
    }
}
