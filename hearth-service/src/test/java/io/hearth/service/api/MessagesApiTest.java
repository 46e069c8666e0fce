package io.hearth.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.TestDatabase;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cinder's user messages (/messages, microversion 3.3) over HTTP against an in-process server, on the database the
 * run names ({@link TestDatabase}): recorded where a request fails after its 202, read, filtered, paged and deleted
 * as cinder does, kept for message_ttl.
 */
class MessagesApiTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NO_BACKEND = "VOLUME_VOLUME_001_003";

    @TempDir
    Path dir;

    private TestDatabase database;
    private HearthServer server;
    private FakeBackupEngine engine;
    private Http http;

    /** A server whose volume service keeps its whole filesystem back (reserved_percentage = 100) when {@code full}. */
    private void start(boolean full, String... extra) throws Exception {
        engine = new FakeBackupEngine(dir.resolve("repo"));
        database = TestDatabase.create();
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"), "osapi_volume_listen_port = 0",
                "host = test-host", "reserved_percentage = " + (full ? 100 : 0)));
        lines.addAll(List.of(extra));
        lines.addAll(database.iniLines());
        server = HearthServer.start(HearthConfig.from(IniFile.parse(lines, "test")), c -> engine);
        http = new Http("http://127.0.0.1:" + server.port(), "admin:demo", "3.3");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /** A volume no host has room for: 202, then error, with a message; returns the POST's response. */
    private Http.Response failedVolume(Http as) {
        Http.Response created = as.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        http.await("/v3/demo/volumes/" + created.body().at("/volume/id").asText(), b -> b.at("/volume/status").asText().equals("error"), WAIT);
        return created;
    }

    private static List<String> ids(JsonNode list) {
        return StreamSupport.stream(list.get("messages").spliterator(), false).map(m -> m.get("id").asText()).toList();
    }

    @Test
    void aVolumeWithoutAValidBackendLeavesCindersMessageWhichCanBeReadAndDeleted() throws Exception {
        start(true);
        Http.Response created = failedVolume(http);
        String volume = created.body().at("/volume/id").asText();
        String requestId = created.header("x-openstack-request-id");
        assertThat(requestId).startsWith("req-");

        JsonNode list = http.get("/v3/demo/messages").body();
        assertThat(list.get("messages")).hasSize(1);
        JsonNode message = list.get("messages").get(0);
        assertThat(message.get("event_id").asText()).isEqualTo(NO_BACKEND);
        assertThat(message.get("user_message").asText()).isEqualTo("schedule allocate volume:Could not find any available weighted backend.");
        assertThat(message.get("message_level").asText()).isEqualTo("ERROR");
        assertThat(message.get("resource_type").asText()).isEqualTo("VOLUME");
        assertThat(message.get("resource_uuid").asText()).isEqualTo(volume);
        assertThat(message.get("request_id").asText()).isEqualTo(requestId);
        Instant createdAt = Instant.parse(message.get("created_at").asText() + "Z");
        // message_ttl's default: 30 days.
        assertThat(Instant.parse(message.get("guaranteed_until").asText() + "Z")).isEqualTo(createdAt.plus(Duration.ofSeconds(2_592_000)));
        String id = message.get("id").asText();
        assertThat(message.at("/links/0/href").asText()).endsWith("/v3/demo/messages/" + id);

        assertThat(http.get("/v3/demo/messages/" + id).body().get("message")).isEqualTo(message);
        Http.Response deleted = http.delete("/v3/demo/messages/" + id);
        assertThat(deleted.status()).isEqualTo(204);
        Http.Response gone = http.get("/v3/demo/messages/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body().at("/itemNotFound/message").asText()).isEqualTo("Message " + id + " could not be found.");
        assertThat(http.delete("/v3/demo/messages/" + id).status()).isEqualTo(404);
        assertThat(http.get("/v3/demo/messages").body().get("messages")).isEmpty();
    }

    @Test
    void messagesNeedMicroversion33() throws Exception {
        start(true);
        failedVolume(http);
        for (String version : List.of("3.0", "3.2")) {
            Http.Response before = http.at(version).get("/v3/demo/messages");
            assertThat(before.status()).as(version).isEqualTo(404);
        }
        assertThat(http.at("3.3").get("/v3/demo/messages").body().get("messages")).hasSize(1);
    }

    @Test
    void listsAreFilteredSortedAndPagedFrom35AsInCinder() throws Exception {
        start(true);
        List<String> volumes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            volumes.add(failedVolume(http).body().at("/volume/id").asText());
        }
        // 3.3 reads no query parameter: all three, newest first.
        JsonNode all = http.get("/v3/demo/messages?limit=1&resource_uuid=" + volumes.get(0)).body();
        assertThat(all.get("messages")).hasSize(3);
        List<String> newestFirst = ids(all);

        Http latest = http.at("3.71");
        JsonNode one = latest.get("/v3/demo/messages?resource_uuid=" + volumes.get(0)).body();
        assertThat(one.get("messages")).hasSize(1);
        assertThat(one.at("/messages/0/resource_uuid").asText()).isEqualTo(volumes.get(0));
        assertThat(latest.get("/v3/demo/messages?event_id=" + NO_BACKEND + "&message_level=ERROR").body().get("messages")).hasSize(3);
        assertThat(latest.get("/v3/demo/messages?event_id=VOLUME_VOLUME_BACKUP_013_020").body().get("messages")).isEmpty();

        JsonNode page = latest.get("/v3/demo/messages?limit=2").body();
        assertThat(ids(page)).isEqualTo(newestFirst.subList(0, 2));
        String next = page.at("/messages_links/0/href").asText();
        assertThat(next).contains("marker=" + newestFirst.get(1));
        JsonNode rest = latest.get(next.substring(next.indexOf("/v3/"))).body();
        assertThat(ids(rest)).isEqualTo(newestFirst.subList(2, 3));
        assertThat(rest.has("messages_links")).isFalse();
        assertThat(ids(latest.get("/v3/demo/messages?sort=created_at:asc").body())).isEqualTo(newestFirst.reversed());

        // Bad input is refused and changes nothing.
        assertThat(latest.get("/v3/demo/messages?limit=-1").status()).isEqualTo(400);
        assertThat(latest.get("/v3/demo/messages?sort=nonsense").status()).isEqualTo(400);
        assertThat(latest.get("/v3/demo/messages?marker=" + volumes.get(0)).status()).isEqualTo(404);
        Http member = latest.as("alice:demo:member");
        Http.Response unknown = member.get("/v3/demo/messages?project_id=demo");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().at("/badRequest/message").asText()).isEqualTo("Invalid filters project_id are found in query options.");
        // An admin's unknown filter matches nothing (cinder lets admins pass any filter to the query).
        assertThat(latest.get("/v3/demo/messages?project_id=demo").body().get("messages")).isEmpty();
        assertThat(member.at("3.30").get("/v3/demo/messages?project_id=demo").body().get("messages")).isEmpty();
        assertThat(ids(latest.get("/v3/demo/messages").body())).isEqualTo(newestFirst);
    }

    @Test
    void aProjectSeesOnlyItsMessagesAndReadersCannotDelete() throws Exception {
        start(true);
        failedVolume(http.as("alice:demo:member"));
        String id = ids(http.get("/v3/demo/messages").body()).getFirst();
        Http other = http.as("eve:other:member");
        assertThat(other.get("/v3/other/messages").body().get("messages")).isEmpty();
        assertThat(other.get("/v3/other/messages/" + id).status()).isEqualTo(404);
        assertThat(other.delete("/v3/other/messages/" + id).status()).isEqualTo(404);

        Http reader = http.as("bob:demo:reader");
        assertThat(reader.get("/v3/demo/messages/" + id).status()).isEqualTo(200);
        Http.Response refused = reader.delete("/v3/demo/messages/" + id);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().at("/forbidden/message").asText()).isEqualTo("Policy doesn't allow message:delete to be performed.");
        // The admin of another project sees every project's messages, as cinder's.
        assertThat(ids(http.as("root:other").get("/v3/other/messages").body())).containsExactly(id);
        assertThat(http.as("alice:demo:member").delete("/v3/demo/messages/" + id).status()).isEqualTo(204);
    }

    @Test
    void backupCreateAndRestoreFailuresTellTheirDetail() throws Exception {
        start(false);
        Http latest = http.at("3.71");
        Http.Response created = latest.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}");
        String volume = created.body().at("/volume/id").asText();
        http.await("/v3/demo/volumes/" + volume, b -> b.at("/volume/status").asText().equals("available"), WAIT);

        // Restore: the backup's data is gone from the repository.
        Http.Response backedUp = latest.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\"}}");
        String backup = backedUp.body().at("/backup/id").asText();
        http.await("/v3/demo/backups/" + backup, b -> b.at("/backup/status").asText().equals("available"), WAIT);
        Files.delete(dir.resolve("repo").resolve(backup));
        Http.Response restore = latest.post("/v3/demo/backups/" + backup + "/restore", "{\"restore\": {\"volume_id\": \"" + volume + "\"}}");
        assertThat(restore.status()).as(restore.body().toString()).isEqualTo(202);
        JsonNode restoreMessage = http.await("/v3/demo/messages", b -> b.get("messages").size() == 1, WAIT).at("/messages/0");
        assertThat(restoreMessage.get("event_id").asText()).isEqualTo("VOLUME_VOLUME_BACKUP_015_026");
        assertThat(restoreMessage.get("user_message").asText()).isEqualTo("restore backup:Backup driver failed to restore backup.");
        assertThat(restoreMessage.get("resource_type").asText()).isEqualTo("VOLUME_BACKUP");
        assertThat(restoreMessage.get("resource_uuid").asText()).isEqualTo(backup);
        assertThat(restoreMessage.get("request_id").asText()).isEqualTo(restore.header("x-openstack-request-id"));
        http.await("/v3/demo/volumes/" + volume, b -> b.at("/volume/status").asText().equals("error_restoring"), WAIT);

        // Create: the volume's file is gone, so the volume service cannot give the backup its device.
        latest.post("/v3/demo/volumes/" + volume + "/action", "{\"os-reset_status\": {\"status\": \"available\"}}");
        Files.delete(dir.resolve("state/volumes/volume-" + volume));
        Http.Response failing = latest.post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\"}}");
        assertThat(failing.status()).as(failing.body().toString()).isEqualTo(202);
        String failed = failing.body().at("/backup/id").asText();
        http.await("/v3/demo/backups/" + failed, b -> b.at("/backup/status").asText().equals("error"), WAIT);
        // The backup service records the message just after the status (as the restore's above): wait for it too.
        JsonNode createMessage = latest.await("/v3/demo/messages?resource_uuid=" + failed, b -> b.get("messages").size() == 1, WAIT)
                .at("/messages/0");
        assertThat(createMessage.get("event_id").asText()).isEqualTo("VOLUME_VOLUME_BACKUP_013_019");
        assertThat(createMessage.get("user_message").asText()).isEqualTo("create backup:Failed to get backup device from the volume service.");
        assertThat(createMessage.get("request_id").asText()).isEqualTo(failing.header("x-openstack-request-id"));
    }

    @Test
    void expiredMessagesAreReaped() throws Exception {
        start(true, "message_ttl = 1", "message_reap_interval = 1");
        failedVolume(http);
        JsonNode message = http.get("/v3/demo/messages").body().at("/messages/0");
        assertThat(Instant.parse(message.get("guaranteed_until").asText() + "Z"))
                .isEqualTo(Instant.parse(message.get("created_at").asText() + "Z").plusSeconds(1));
        http.await("/v3/demo/messages", b -> b.get("messages").isEmpty(), WAIT);
    }
}
