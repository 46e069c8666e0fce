package io.hearth.service.notification;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.db.Json;
import io.hearth.service.rpc.RabbitBroker;
import io.hearth.service.server.HearthServer;
import io.hearth.service.server.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the real RabbitMQ: a queue bound to the control exchange with {@code notifications.info}, as a consumer
 * such as ceilometer binds one, receives backup.create.start and backup.create.end in oslo.messaging's envelope.
 */
class AmqpNotificationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final RabbitBroker broker = new RabbitBroker();
    private final List<HearthServer> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (HearthServer server : servers.reversed()) {
            server.close();
        }
        broker.close();
    }

    private HearthConfig config(String host, String... extra) {
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"), "osapi_volume_listen_port = 0",
                "host = " + host, "transport_url = " + RabbitBroker.TRANSPORT_URL, "control_exchange = " + broker.exchange()));
        lines.addAll(List.of(extra));
        return HearthConfig.from(IniFile.parse(lines, "test"));
    }

    @Test
    void aBoundQueueReceivesCreateStartAndEnd() throws Exception {
        HearthServer server = HearthServer.start(config("notify-host"), c -> new FakeBackupEngine(dir.resolve("repo")));
        servers.add(server);
        try (Connection connection = RabbitBroker.URL.connectionFactory().newConnection(); Channel channel = connection.createChannel()) {
            String queue = channel.queueDeclare().getQueue();
            channel.queueBind(queue, broker.exchange(), "notifications.info");

            Http http = new Http("http://127.0.0.1:" + server.port(), "admin:demo", "3.71");
            String volumeId = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}").body().at("/volume/id").asText();
            http.await("/v3/demo/volumes/" + volumeId, b -> b.at("/volume/status").asText().equals("available"), WAIT);
            String backupId = http.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volumeId + "\"}}").body()
                    .at("/backup/id").asText();

            List<JsonNode> messages = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (messages.stream().noneMatch(m -> m.get("event_type").asText().equals("backup.create.end"))
                    && System.nanoTime() < deadline) {
                GetResponse response = channel.basicGet(queue, true);
                if (response == null) {
                    Thread.sleep(50);
                    continue;
                }
                assertThat(response.getProps().getContentType()).isEqualTo("application/json");
                JsonNode envelope = Json.MAPPER.readTree(response.getBody());
                assertThat(envelope.get("oslo.version").asText()).isEqualTo("2.0");
                messages.add(Json.MAPPER.readTree(envelope.get("oslo.message").asText()));
            }
            assertThat(messages).extracting(m -> m.get("event_type").asText())
                    .containsExactly("backup.create.start", "backup.createprogress", "backup.create.end");
            assertThat(messages).allSatisfy(m -> {
                assertThat(m.get("publisher_id").asText()).isEqualTo("backup.notify-host");
                assertThat(m.at("/payload/backup_id").asText()).isEqualTo(backupId);
            });
            assertThat(messages.getLast().at("/payload/status").asText()).isEqualTo("available");
        }
    }

    @Test
    void aProcessWithoutTheApiServesMetricsOnMetricsListenPort() throws Exception {
        HearthServer scheduler = HearthServer.start(config("sched-host", "metrics_listen_port = 0"), EnumSet.of(Role.SCHEDULER), c -> null);
        servers.add(scheduler);
        assertThat(scheduler.port()).isEqualTo(-1);
        HttpClient client = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + scheduler.metricsPort();
        HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("hearth_bus_messages_in_flight");
        HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(ready.body()).at("/checks/bus").asText()).isEqualTo("OK");
    }
}
