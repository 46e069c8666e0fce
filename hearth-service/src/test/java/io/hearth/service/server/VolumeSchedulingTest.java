package io.hearth.service.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.Http;
import io.hearth.nbd.NbdClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volume host selection over the real RabbitMQ: an api and three volume services sharing a database, each volume
 * service with its own volumes directory, so a volume's file shows which host did its work. "roomy" and "reserved"
 * are in zone nova on the same filesystem, but "reserved" keeps back half of it (reserved_percentage = 50), so
 * "roomy" always has the most free capacity; "east" is alone in zone east.
 */
class VolumeSchedulingTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private TestCluster cluster;
    private Http http;
    private HearthServer east;

    @BeforeEach
    void start() throws Exception {
        cluster = new TestCluster();
        start("roomy", "nova", 0, EnumSet.of(Role.VOLUME));
        start("reserved", "nova", 50, EnumSet.of(Role.VOLUME));
        east = start("east", "east", 0, EnumSet.of(Role.VOLUME));
        http = TestCluster.client(start("api-1", "nova", 0, EnumSet.of(Role.API)));
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private HearthServer start(String host, String zone, int reservedPercentage, EnumSet<Role> roles) throws Exception {
        List<String> lines = cluster.defaults(host, dir.resolve(host), 10);
        lines.addAll(List.of("storage_availability_zone = " + zone, "reserved_percentage = " + reservedPercentage, "quota_volumes = 100",
                "quota_gigabytes = -1", "quota_snapshots = 100",
                "[database]", "connection = jdbc:h2:file:" + dir.resolve("shared/hearth") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"));
        return cluster.start(lines, roles, TestCluster.noEngine());
    }

    private Path file(String host, String kind, String id) {
        return dir.resolve(host).resolve("volumes").resolve(kind + "-" + id);
    }

    private String create(String body) {
        Http.Response created = http.post("/v3/demo/volumes", body);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        return created.body().at("/volume/id").asText();
    }

    private JsonNode awaitVolume(String id, String status) {
        return http.await("/v3/demo/volumes/" + id, b -> b.at("/volume/status").asText().equals(status), WAIT).get("volume");
    }

    @Test
    void theHostWithTheMostFreeCapacityGetsTheVolumeAndAllItsWork() {
        List<String> ids = List.of(create("{\"volume\": {\"size\": 1}}"), create("{\"volume\": {\"size\": 1}}"),
                create("{\"volume\": {\"size\": 1}}"));
        for (String id : ids) {
            assertThat(awaitVolume(id, "available").get("os-vol-host-attr:host").asText()).isEqualTo("roomy@sparse#sparse");
            assertThat(file("roomy", "volume", id)).exists();
            assertThat(file("reserved", "volume", id)).doesNotExist();
        }
        String id = ids.getFirst();

        Http.Response extend = http.post("/v3/demo/volumes/" + id + "/action", "{\"os-extend\": {\"new_size\": 2}}");
        assertThat(extend.status()).as(extend.body().toString()).isEqualTo(202);
        http.await("/v3/demo/volumes/" + id, b -> b.at("/volume/size").asInt() == 2 && b.at("/volume/status").asText().equals("available"),
                WAIT);
        assertThat(file("roomy", "volume", id)).hasSize(2L << 30);

        Http.Response snapshot = http.post("/v3/demo/snapshots", "{\"snapshot\": {\"volume_id\": \"" + id + "\"}}");
        assertThat(snapshot.status()).as(snapshot.body().toString()).isEqualTo(202);
        String snapshotId = snapshot.body().at("/snapshot/id").asText();
        http.await("/v3/demo/snapshots/" + snapshotId, b -> b.at("/snapshot/status").asText().equals("available"), WAIT);
        assertThat(file("roomy", "snapshot", snapshotId)).exists();

        // A volume from the snapshot stays on the snapshot's host.
        String copy = create("{\"volume\": {\"snapshot_id\": \"" + snapshotId + "\"}}");
        assertThat(awaitVolume(copy, "available").get("os-vol-host-attr:host").asText()).isEqualTo("roomy@sparse#sparse");
        assertThat(file("roomy", "volume", copy)).exists();

        assertThat(http.delete("/v3/demo/volumes/" + copy).status()).isEqualTo(202);
        assertThat(http.delete("/v3/demo/snapshots/" + snapshotId).status()).isEqualTo(202);
        http.await("/v3/demo/snapshots/" + snapshotId, b -> b.has("itemNotFound"), WAIT);
        assertThat(file("roomy", "snapshot", snapshotId)).doesNotExist();
        assertThat(http.delete("/v3/demo/volumes/" + id).status()).isEqualTo(202);
        http.await("/v3/demo/volumes/" + id, b -> b.has("itemNotFound"), WAIT);
        http.await("/v3/demo/volumes/" + copy, b -> b.has("itemNotFound"), WAIT);
        assertThat(file("roomy", "volume", id)).doesNotExist();
        assertThat(file("roomy", "volume", copy)).doesNotExist();
    }

    @Test
    void theRequestedAvailabilityZoneIsHonouredAndAnUnknownOneRefused() throws Exception {
        String id = create("{\"volume\": {\"size\": 1, \"availability_zone\": \"east\"}}");
        JsonNode volume = awaitVolume(id, "available");
        assertThat(volume.get("availability_zone").asText()).isEqualTo("east");
        assertThat(volume.get("os-vol-host-attr:host").asText()).isEqualTo("east@sparse#sparse");
        assertThat(file("east", "volume", id)).exists();

        Http.Response refused = http.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1, \"availability_zone\": \"mars\"}}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().at("/badRequest/message").asText())
                .isEqualTo("Invalid input received: Availability zone 'mars' is invalid.");
        assertThat(http.get("/v3/demo/volumes").body().get("volumes")).hasSize(1);
    }

    @Test
    void aVolumeNoHostHasRoomForGoesToErrorAndCanBeDeleted() throws Exception {
        // A million GiB: more than any test machine's disk.
        String id = create("{\"volume\": {\"size\": 1000000}}");
        JsonNode volume = awaitVolume(id, "error");
        assertThat(volume.has("os-vol-host-attr:host")).isFalse();
        try (var files = Files.list(dir.resolve("roomy").resolve("volumes"))) {
            assertThat(files).isEmpty();
        }
        assertThat(http.delete("/v3/demo/volumes/" + id).status()).isEqualTo(202);
        http.await("/v3/demo/volumes/" + id, b -> b.has("itemNotFound"), WAIT);
        // The next volume that fits is placed as usual.
        assertThat(awaitVolume(create("{\"volume\": {\"size\": 1}}"), "available").get("os-vol-host-attr:host").asText())
                .isEqualTo("roomy@sparse#sparse");
    }

    private JsonNode attach(String volume, String connectorHost) {
        Http.Response attached = http.post("/v3/demo/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volume
                + "\", \"mode\": \"rw\", \"connector\": {\"host\": \"" + connectorHost + "\"}}}");
        assertThat(attached.status()).as(attached.body().toString()).isEqualTo(200);
        return attached.body().get("attachment");
    }

    @Test
    void theVolumesHostExportsItForAnAttachmentTheApiTakes() throws Exception {
        String id = create("{\"volume\": {\"size\": 1, \"availability_zone\": \"east\"}}");
        awaitVolume(id, "available");
        // The api process has no volume file and no NBD server: the export is east's.
        JsonNode attachment = attach(id, "compute-1");
        JsonNode data = attachment.at("/connection_info/data");
        assertThat(attachment.at("/connection_info/driver_volume_type").asText()).isEqualTo("nbd");
        assertThat(data.get("port").asInt()).isEqualTo(east.nbdPort());
        assertThat(http.get("/v3/demo/attachments/" + attachment.get("id").asText()).body().at("/attachment/connection_info/data"))
                .isEqualTo(data);
        byte[] written = new byte[1 << 20];
        new java.util.Random(4).nextBytes(written);
        NbdClient client = NbdClient.connect(NbdClient.Target.parse(data.get("uri").asText()), WAIT);
        client.write(java.nio.ByteBuffer.wrap(written), 4096, false);
        client.flush();
        try (var file = new java.io.RandomAccessFile(file("east", "volume", id).toFile(), "r")) {
            byte[] read = new byte[written.length];
            file.seek(4096);
            file.readFully(read);
            assertThat(read).as("written through east's export into east's file").isEqualTo(written);
        }

        // Detaching through the api closes the export on east, and its connection.
        assertThat(http.delete("/v3/demo/attachments/" + attachment.get("id").asText()).status()).isEqualTo(200);
        assertThatThrownBy(() -> client.read(java.nio.ByteBuffer.allocate(4096), 0)).isInstanceOf(java.io.IOException.class);
        client.close();
        assertThatThrownBy(() -> NbdClient.connect(NbdClient.Target.parse(data.get("uri").asText()), WAIT))
                .hasMessageContaining("no such export");
        awaitVolume(id, "available");

        // A connector on the volume's own host gets the file, as the volume's host knows it.
        JsonNode local = attach(id, "east");
        assertThat(local.at("/connection_info/driver_volume_type").asText()).isEqualTo("local");
        assertThat(http.delete("/v3/demo/attachments/" + local.get("id").asText()).status()).isEqualTo(200);
    }
}
