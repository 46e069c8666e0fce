package io.hearth.service.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every protected action of the API as an admin, a member and a reader of the owning project and a member of
 * another project, with noauth tokens against an in-process server (a fake engine stands in for the repository).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyApiTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A caller: its noauth token and the project in its URLs. */
    enum Persona {
        ADMIN("root:demo", "demo"),
        MEMBER("alice:demo:member", "demo"),
        READER("rita:demo:reader", "demo"),
        OTHER("bob:other:member", "other");

        final String token;
        final String project;

        Persona(String token, String project) {
            this.token = token;
            this.project = project;
        }
    }

    /** One request against fresh resources of project demo. */
    @FunctionalInterface
    interface Call {
        Http.Response run(Http as, String project, Fixture fixture);
    }

    /** A protected action and the status each persona gets: admin, member, reader, other project. */
    record Action(String rule, int admin, int member, int reader, int other, Call call) {
        int expected(Persona persona) {
            return switch (persona) {
                case ADMIN -> admin;
                case MEMBER -> member;
                case READER -> reader;
                case OTHER -> other;
            };
        }

        @Override
        public String toString() {
            return rule;
        }
    }

    private Path dir;
    private HearthServer server;
    private Http admin;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        this.dir = dir;
        FakeBackupEngine engine = new FakeBackupEngine(dir.resolve("repo"));
        server = HearthServer.start(config(dir.resolve("state"), List.of()), c -> engine);
        admin = new Http("http://127.0.0.1:" + server.port(), "root:demo", "3.71");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HearthConfig config(Path state, List<String> more) {
        List<String> lines = new ArrayList<>(List.of("[DEFAULT]", "state_path = " + state, "osapi_volume_listen_port = 0",
                "quota_volumes = -1", "quota_snapshots = -1", "quota_gigabytes = -1", "quota_backups = -1",
                "quota_backup_gigabytes = -1", "host = test-host"));
        lines.addAll(more);
        return HearthConfig.from(IniFile.parse(lines, "test"));
    }

    /** Resources of project demo, made by the admin on first use and waited for. */
    final class Fixture {
        private String volume;
        private String backup;
        private String snapshot;

        String volume() {
            if (volume == null) {
                volume = make("volumes", "volume", "{\"volume\": {\"size\": 1, \"name\": \"v\"}}");
            }
            return volume;
        }

        String backup() {
            if (backup == null) {
                backup = make("backups", "backup", "{\"backup\": {\"volume_id\": \"" + volume() + "\"}}");
            }
            return backup;
        }

        String snapshot() {
            if (snapshot == null) {
                snapshot = make("snapshots", "snapshot", "{\"snapshot\": {\"volume_id\": \"" + volume() + "\"}}");
            }
            return snapshot;
        }

        private String make(String collection, String key, String body) {
            Http.Response created = admin.post("/v3/demo/" + collection, body);
            assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
            String id = created.body().at("/" + key + "/id").asText();
            admin.await("/v3/demo/" + collection + "/" + id, b -> b.at("/" + key + "/status").asText().equals("available"), WAIT);
            return id;
        }

        /** An attachment without a connector yet (reserved). */
        String reservation() {
            return attach("");
        }

        /** An attachment with a connector (attaching, ready to complete). */
        String attachment() {
            return attach(", \"connector\": {\"host\": \"h\"}");
        }

        private String attach(String connector) {
            Http.Response created = admin.post("/v3/demo/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volume() + "\"" + connector + "}}");
            assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
            return created.body().at("/attachment/id").asText();
        }
    }

    static List<Action> actions() {
        return List.of(
                new Action("volume:get_all", 200, 200, 200, 200, (h, p, f) -> h.get("/v3/" + p + "/volumes/detail")),
                new Action("volume:get", 200, 200, 200, 404, (h, p, f) -> h.get("/v3/" + p + "/volumes/" + f.volume())),
                new Action("volume:create", 202, 202, 403, 202, (h, p, f) -> h.post("/v3/" + p + "/volumes", "{\"volume\": {\"size\": 1}}")),
                new Action("volume:update", 200, 200, 403, 404,
                        (h, p, f) -> h.put("/v3/" + p + "/volumes/" + f.volume(), "{\"volume\": {\"name\": \"renamed\"}}")),
                new Action("volume:delete", 202, 202, 403, 404, (h, p, f) -> h.delete("/v3/" + p + "/volumes/" + f.volume())),
                new Action("volume:extend", 202, 202, 403, 404,
                        (h, p, f) -> h.post("/v3/" + p + "/volumes/" + f.volume() + "/action", "{\"os-extend\": {\"new_size\": 2}}")),
                new Action("volume_extension:volume_admin_actions:reset_status", 202, 403, 403, 403,
                        (h, p, f) -> h.post("/v3/" + p + "/volumes/" + f.volume() + "/action", "{\"os-reset_status\": {\"status\": \"error\"}}")),
                new Action("volume:revert_to_snapshot", 202, 202, 403, 404, (h, p, f) -> h.post("/v3/" + p + "/volumes/" + f.volume() + "/action",
                        "{\"revert\": {\"snapshot_id\": \"" + f.snapshot() + "\"}}")),

                new Action("volume:get_all_snapshots", 200, 200, 200, 200, (h, p, f) -> h.get("/v3/" + p + "/snapshots/detail")),
                new Action("volume:get_snapshot", 200, 200, 200, 404, (h, p, f) -> h.get("/v3/" + p + "/snapshots/" + f.snapshot())),
                new Action("volume:create_snapshot", 202, 202, 403, 404,
                        (h, p, f) -> h.post("/v3/" + p + "/snapshots", "{\"snapshot\": {\"volume_id\": \"" + f.volume() + "\"}}")),
                new Action("volume:delete_snapshot", 202, 202, 403, 404, (h, p, f) -> h.delete("/v3/" + p + "/snapshots/" + f.snapshot())),

                new Action("volume:attachment_create", 200, 200, 403, 404, (h, p, f) -> h.post("/v3/" + p + "/attachments",
                        "{\"attachment\": {\"volume_uuid\": \"" + f.volume() + "\", \"connector\": {\"host\": \"h\"}}}")),
                new Action("attachment show (no rule)", 200, 200, 200, 404, (h, p, f) -> h.get("/v3/" + p + "/attachments/" + f.attachment())),
                new Action("volume:attachment_update", 200, 200, 403, 404, (h, p, f) -> h.put("/v3/" + p + "/attachments/" + f.reservation(),
                        "{\"attachment\": {\"connector\": {\"host\": \"h\"}}}")),
                new Action("volume:attachment_complete", 204, 204, 403, 404,
                        (h, p, f) -> h.post("/v3/" + p + "/attachments/" + f.attachment() + "/action", "{\"os-complete\": null}")),
                new Action("volume:attachment_delete", 200, 200, 403, 404, (h, p, f) -> h.delete("/v3/" + p + "/attachments/" + f.attachment())),

                new Action("backup:get_all", 200, 200, 200, 200, (h, p, f) -> h.get("/v3/" + p + "/backups/detail")),
                new Action("backup:get", 200, 200, 200, 404, (h, p, f) -> h.get("/v3/" + p + "/backups/" + f.backup())),
                new Action("backup:create", 202, 202, 403, 404,
                        (h, p, f) -> h.post("/v3/" + p + "/backups", "{\"backup\": {\"volume_id\": \"" + f.volume() + "\"}}")),
                new Action("backup:update", 200, 200, 403, 404,
                        (h, p, f) -> h.put("/v3/" + p + "/backups/" + f.backup(), "{\"backup\": {\"name\": \"renamed\"}}")),
                new Action("backup:delete", 202, 202, 403, 404, (h, p, f) -> h.delete("/v3/" + p + "/backups/" + f.backup())),
                new Action("backup:restore", 202, 202, 403, 404,
                        (h, p, f) -> h.post("/v3/" + p + "/backups/" + f.backup() + "/restore", "{\"restore\": {\"name\": \"r\"}}")),
                new Action("volume_extension:backup_admin_actions:reset_status", 202, 403, 403, 403,
                        (h, p, f) -> h.post("/v3/" + p + "/backups/" + f.backup() + "/action", "{\"os-reset_status\": {\"status\": \"error\"}}")),
                new Action("volume_extension:backup_admin_actions:force_delete", 202, 403, 403, 403,
                        (h, p, f) -> h.post("/v3/" + p + "/backups/" + f.backup() + "/action", "{\"os-force_delete\": {}}")),
                new Action("backup:export-import", 200, 403, 403, 403, (h, p, f) -> h.get("/v3/" + p + "/backups/" + f.backup() + "/export_record")),
                // The admin passes the rule and meets the check of the record itself.
                new Action("backup:backup-import", 400, 403, 403, 403, (h, p, f) -> h.post("/v3/" + p + "/backups/import_record",
                        "{\"backup-record\": {\"backup_service\": \"x\", \"backup_url\": \"!!\"}}")),

                new Action("volume_extension:quotas:show", 200, 200, 200, 403, (h, p, f) -> h.get("/v3/" + p + "/os-quota-sets/demo")),
                new Action("volume_extension:quotas:update", 200, 403, 403, 403,
                        (h, p, f) -> h.put("/v3/" + p + "/os-quota-sets/demo", "{\"quota_set\": {\"volumes\": -1}}")),
                new Action("limits_extension:used_limits", 200, 200, 200, 200, (h, p, f) -> h.get("/v3/" + p + "/limits")),
                new Action("volume_extension:services:index", 200, 403, 403, 403, (h, p, f) -> h.get("/v3/" + p + "/os-services")),
                new Action("volume_extension:services:update", 200, 403, 403, 403, (h, p, f) -> h.put("/v3/" + p + "/os-services/enable",
                        "{\"host\": \"test-host\", \"binary\": \"cinder-backup\"}")));
    }

    Stream<Arguments> cases() {
        return actions().stream().flatMap(a -> Stream.of(Persona.values()).map(p -> Arguments.of(a, p)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("cases")
    void eachPersonaGetsWhatCindersDefaultsGiveIt(Action action, Persona persona) {
        Fixture fixture = new Fixture();
        Http.Response response = action.call().run(admin.as(persona.token), persona.project, fixture);
        assertThat(response.status()).as(response.body().toString()).isEqualTo(action.expected(persona));
        if (response.status() == 403) {
            assertThat(response.body().at("/forbidden/message").asText()).isEqualTo("Policy doesn't allow " + action.rule() + " to be performed.");
        }
        if (response.status() == 403 || response.status() == 404) {
            // Refused: what the fixture made is as it was.
            if (fixture.backup != null) {
                assertThat(admin.get("/v3/demo/backups/" + fixture.backup).body().at("/backup/status").asText()).isEqualTo("available");
            }
            if (fixture.volume != null) {
                assertThat(admin.get("/v3/demo/volumes/" + fixture.volume).body().at("/volume/name").asText()).isEqualTo("v");
            }
        }
    }

    @Test
    void everyRuleTheTableNamesIsACinderDefault() {
        assertThat(actions().stream().map(Action::rule).filter(r -> !r.contains(" ")))
                .allSatisfy(rule -> assertThat(CinderPolicies.defaults()).containsKey(rule));
    }

    @Test
    void onlyAnAdminListsAllProjects() {
        String volume = new Fixture().volume();
        Http other = admin.as("bob:other:member");
        assertThat(ids(other.get("/v3/other/volumes?all_tenants=1").body().get("volumes"))).doesNotContain(volume);
        assertThat(ids(admin.as("rita:demo:reader").get("/v3/demo/volumes?all_tenants=1").body().get("volumes"))).contains(volume);
        Http.Response mine = other.post("/v3/other/volumes", "{\"volume\": {\"size\": 1}}");
        String theirs = mine.body().at("/volume/id").asText();
        assertThat(ids(admin.get("/v3/demo/volumes?all_tenants=1").body().get("volumes"))).contains(volume, theirs);
        assertThat(ids(admin.get("/v3/demo/volumes").body().get("volumes"))).contains(volume).doesNotContain(theirs);
        assertThat(ids(admin.as("alice:demo:member").get("/v3/demo/volumes?all_tenants=1").body().get("volumes")))
                .contains(volume).doesNotContain(theirs);
    }

    @Test
    void aRoleOutsideTheDefaultsMayDoNothing() {
        Http guest = admin.as("gus:demo:guest");
        assertThat(guest.get("/v3/demo/volumes").status()).isEqualTo(403);
        assertThat(guest.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}").status()).isEqualTo(403);
    }

    @Test
    void aPolicyFileOverridesTheDefaultsRuleByRule() throws IOException {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, """
                # readers may back up; nobody lists volumes; members restore only with the "restorer" role
                "backup:create": "rule:xena_system_admin_or_project_reader"
                "volume:get_all": "!"
                "backup:restore": "role:restorer and project_id:%(project_id)s"
                """);
        try (HearthServer custom = HearthServer.start(config(dir.resolve("custom"), List.of("[oslo_policy]", "policy_file = " + file)),
                c -> new FakeBackupEngine(dir.resolve("custom-repo")))) {
            Http root = new Http("http://127.0.0.1:" + custom.port(), "root:demo", "3.71");
            Http.Response created = root.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}");
            String volume = created.body().at("/volume/id").asText();
            root.await("/v3/demo/volumes/" + volume, b -> b.at("/volume/status").asText().equals("available"), WAIT);

            assertThat(root.get("/v3/demo/volumes").status()).isEqualTo(403);
            Http.Response byReader = root.as("rita:demo:reader").post("/v3/demo/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\"}}");
            assertThat(byReader.status()).as(byReader.body().toString()).isEqualTo(202);
            String backup = byReader.body().at("/backup/id").asText();
            root.await("/v3/demo/backups/" + backup, b -> b.at("/backup/status").asText().equals("available"), WAIT);
            assertThat(root.as("alice:demo:member").post("/v3/demo/backups/" + backup + "/restore", "{\"restore\": {}}").status())
                    .isEqualTo(403);
            assertThat(root.as("rex:demo:restorer").post("/v3/demo/backups/" + backup + "/restore", "{\"restore\": {}}").status())
                    .isEqualTo(202);
            // Untouched rules keep cinder's defaults.
            assertThat(root.as("rita:demo:reader").delete("/v3/demo/backups/" + backup).status()).isEqualTo(403);
        }
    }

    @Test
    void onlyWhomTheProjectAttributeRuleAllowsSeesTheBackupsOwner() {
        String backup = new Fixture().backup();
        Http member = admin.as("alice:demo:member");
        JsonNode shown = admin.get("/v3/demo/backups/" + backup).body().get("backup");
        assertThat(shown.get("os-backup-project-attr:project_id").asText()).isEqualTo("demo");
        assertThat(shown.get("user_id").asText()).isEqualTo("root");
        JsonNode listed = admin.get("/v3/demo/backups/detail").body().get("backups").get(0);
        assertThat(listed.has("os-backup-project-attr:project_id")).isTrue();
        // The project from 3.18, the user from 3.56 (cinder's BACKUP_PROJECT and BACKUP_PROJECT_USER_ID).
        assertThat(admin.at("3.17").get("/v3/demo/backups/" + backup).body().get("backup").has("os-backup-project-attr:project_id")).isFalse();
        JsonNode at318 = admin.at("3.18").get("/v3/demo/backups/" + backup).body().get("backup");
        assertThat(at318.has("os-backup-project-attr:project_id")).isTrue();
        assertThat(at318.has("user_id")).isFalse();

        JsonNode byMember = member.get("/v3/demo/backups/" + backup).body().get("backup");
        assertThat(byMember.get("id").asText()).isEqualTo(backup);
        assertThat(byMember.has("os-backup-project-attr:project_id")).isFalse();
        assertThat(byMember.has("user_id")).isFalse();
        assertThat(member.get("/v3/demo/backups/detail").body().get("backups"))
                .isNotEmpty().allSatisfy(b -> assertThat(b.has("os-backup-project-attr:project_id") || b.has("user_id")).isFalse());
    }

    @Test
    void aChangedPolicyFileTakesEffectWithoutARestartAndABrokenOneIsIgnored() throws IOException {
        Path file = dir.resolve("reloaded.yaml");
        Files.writeString(file, "\"backup:create\": \"role:admin\"\n");
        try (HearthServer custom = HearthServer.start(config(dir.resolve("reloading"), List.of("[oslo_policy]", "policy_file = " + file)),
                c -> new FakeBackupEngine(dir.resolve("reloading-repo")))) {
            Http root = new Http("http://127.0.0.1:" + custom.port(), "root:demo", "3.71");
            Http member = root.as("alice:demo:member");
            String volume = root.post("/v3/demo/volumes", "{\"volume\": {\"size\": 1}}").body().at("/volume/id").asText();
            root.await("/v3/demo/volumes/" + volume, b -> b.at("/volume/status").asText().equals("available"), WAIT);
            String body = "{\"backup\": {\"volume_id\": \"" + volume + "\"}}";
            assertThat(member.post("/v3/demo/backups", body).status()).isEqualTo(403);

            rewrite(file, "\"backup:create\": \"role:member\"\n\"backup:backup_project_attribute\": \"role:member\"\n");
            Http.Response created = member.post("/v3/demo/backups", body);
            assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
            String backup = created.body().at("/backup/id").asText();
            root.await("/v3/demo/backups/" + backup, b -> b.at("/backup/status").asText().equals("available"), WAIT);
            assertThat(member.get("/v3/demo/backups/" + backup).body().at("/backup/user_id").asText()).isEqualTo("alice");
            assertThat(root.as("rita:demo:reader").get("/v3/demo/backups/" + backup).body().at("/backup/user_id").isMissingNode()).isTrue();

            // A broken file keeps the rules in force, and so does a deleted one.
            rewrite(file, "\"backup:create\": \"rule:no_such_rule\"\n");
            assertThat(member.get("/v3/demo/backups/" + backup).body().at("/backup/user_id").asText()).isEqualTo("alice");
            Files.delete(file);
            assertThat(member.get("/v3/demo/backups/" + backup).body().at("/backup/user_id").asText()).isEqualTo("alice");
            rewrite(file, "\"backup:get\": \"!\"\n");
            assertThat(member.get("/v3/demo/backups/" + backup).status()).isEqualTo(403);
        }
    }

    /** Rewrites the file with a modification time that surely differs, whatever the file system's clock granularity. */
    private static void rewrite(Path file, String text) throws IOException {
        java.nio.file.attribute.FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
        Files.writeString(file, text);
        if (before != null) {
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(before.toMillis() + 1000));
        }
    }

    @Test
    void aBadPolicyFileStopsTheStartWithTheReason() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"backup:create\": \"rule:no_such_rule or role:member\"}");
        assertThatThrownBy(() -> HearthServer.start(config(dir.resolve("bad"), List.of("[oslo_policy]", "policy_file = " + file)),
                c -> new FakeBackupEngine(dir.resolve("bad-repo"))))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("backup:create").hasMessageContaining("rule:no_such_rule");
        assertThat(dir.resolve("bad")).doesNotExist();
        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> HearthServer.start(config(dir.resolve("bad"), List.of("[oslo_policy]", "policy_file = " + missing)),
                c -> new FakeBackupEngine(dir.resolve("bad-repo"))))
                .isInstanceOf(PolicyException.class).hasMessageContaining("missing.yaml");
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.forEach(v -> ids.add(v.get("id").asText()));
        return ids;
    }
}
