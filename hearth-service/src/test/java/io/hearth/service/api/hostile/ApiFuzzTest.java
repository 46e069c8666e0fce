package io.hearth.service.api.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random hostile requests against an in-process server: valid requests of every kind, mutated in their JSON
 * bodies, ids in the path, query strings and headers. Every answer must be a 2xx or a 4xx JSON fault (never a 5xx, never
 * a hang), and once the dust settles no record may be left in a transitional status.
 *
 * <p>{@code -Dfuzz.seed=N} replays a run (the seed is printed, and named in every failure); {@code -Dfuzz.iterations=N}
 * runs more or fewer requests.
 */
class ApiFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261124L);
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 2000);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TRANSITIONAL = Set.of("creating", "deleting", "attaching", "detaching", "backing-up",
            "restoring-backup", "restoring", "extending");
    private static final List<String> TOKENS = List.of("admin:demo", "alice:demo:member", "rita:demo:reader", "bob:other:member",
            "gus:demo:guest", "", ":", "::", "a:b:c:d", "admin:", ":demo", "admin:other", "x".repeat(5000));
    private static final List<String> VERSIONS = List.of("volume 3.0", "volume 3.71", "volume latest", "volume 3.72", "volume 4.0",
            "volume 3.", "volume 3.-1", "volume 3.99999999999999999999", "volume 03.5", "compute 2.1", "volume 3.5, volume 3.60", "",
            "volume", "volume 3.71 extra", "VOLUME 3.27", "volume 3.17");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "text/plain", "", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/json; charset=latin1", "*/*", "application/xml");
    private static final List<String> LIST_PATHS = List.of("/volumes", "/volumes/detail", "/backups", "/backups/detail", "/snapshots",
            "/snapshots/detail", "/attachments", "/attachments/detail");
    private static final List<String> QUERY_KEYS = List.of("limit", "marker", "offset", "sort", "sort_key", "sort_dir", "with_count",
            "all_tenants", "name", "status", "volume_id", "project_id", "metadata", "host", "id", "bootable", "availability_zone");
    private static final List<String> QUERY_VALUES = List.of("-1", "0", "1", "2", "abc", "99999999999999999999", "1.5", "", "created_at:asc",
            "name:desc", ":", "::", "a:b:c", ",", "created_at:sideways", "id,status:asc", "true", "false", "yes", "{}", "%", "%zz", "+",
            "%2e%2e%2f");

    @TempDir
    Path dir;

    /** One request to make: the ids it names are drawn from what exists when it is made. */
    private record Template(String method, String path, String body) {}

    private final List<String> volumes = new CopyOnWriteArrayList<>();
    private final List<String> backups = new CopyOnWriteArrayList<>();
    private final List<String> snapshots = new CopyOnWriteArrayList<>();
    private final List<String> attachments = new CopyOnWriteArrayList<>();

    @Test
    void hostileRequestsGetA2xxOrA4xxFaultAndLeaveNothingHalfDone() throws Exception {
        System.out.println("ApiFuzzTest: -Dfuzz.seed=" + SEED + " -Dfuzz.iterations=" + ITERATIONS);
        Path state = dir.resolve("state");
        HearthConfig config = HearthConfig.from(IniFile.parse(List.of("[DEFAULT]", "state_path = " + state, "osapi_volume_listen_port = 0",
                "quota_volumes = -1", "quota_snapshots = -1", "quota_gigabytes = -1", "quota_backups = -1", "quota_backup_gigabytes = -1",
                "host = fuzz-host"), "test"));
        try (HearthServer server = HearthServer.start(config, c -> new FakeBackupEngine(dir.resolve("repo")))) {
            Http admin = new Http("http://127.0.0.1:" + server.port(), "admin:demo", "3.71");
            String record = fixtures(admin);
            List<Template> templates = templates(record);
            RawHttp raw = new RawHttp(server.port(), Duration.ofSeconds(30));
            List<String> failures = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < ITERATIONS && failures.size() < 20; i++) {
                RandomGenerator random = new Random(SEED * 1_000_003L + i);
                String failure = oneRequest(random, raw, templates);
                if (failure != null) {
                    failures.add("case " + i + " of -Dfuzz.seed=" + SEED + ": " + failure);
                }
            }
            System.out.printf("ApiFuzzTest: %d requests in %d ms%n", ITERATIONS, (System.nanoTime() - started) / 1_000_000);
            assertThat(failures).as("answers that were not a 2xx or a 4xx JSON fault").isEmpty();
            awaitNothingTransitional(admin);
        }
        // Nothing was written outside the server's own directories, whatever names, containers and ids said.
        try (Stream<Path> top = Files.list(dir)) {
            assertThat(top.map(p -> p.getFileName().toString())).containsOnly("state", "repo");
        }
    }

    /** Creates one of each resource and returns an exported backup record for import_record. */
    private String fixtures(Http admin) {
        String volume = create(admin, "volumes", "volume", "{\"volume\": {\"size\": 1, \"name\": \"fuzz\"}}");
        volumes.add(volume);
        volumes.add(create(admin, "volumes", "volume", "{\"volume\": {\"size\": 1, \"name\": \"fuzz-2\"}}"));
        String backup = create(admin, "backups", "backup", "{\"backup\": {\"volume_id\": \"" + volume + "\"}}");
        backups.add(backup);
        snapshots.add(create(admin, "snapshots", "snapshot", "{\"snapshot\": {\"volume_id\": \"" + volume + "\"}}"));
        Http.Response attachment = admin.post("/v3/demo/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volumes.get(1) + "\"}}");
        assertThat(attachment.status()).as(attachment.body().toString()).isEqualTo(200);
        attachments.add(attachment.body().at("/attachment/id").asText());
        JsonNode exported = admin.get("/v3/demo/backups/" + backup + "/export_record").body().get("backup-record");
        return "{\"backup-record\": {\"backup_service\": " + exported.get("backup_service") + ", \"backup_url\": " + exported.get("backup_url")
                + "}}";
    }

    private static String create(Http admin, String collection, String key, String body) {
        Http.Response created = admin.post("/v3/demo/" + collection, body);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        String id = created.body().at("/" + key + "/id").asText();
        admin.await("/v3/demo/" + collection + "/" + id, b -> b.at("/" + key + "/status").asText().equals("available"), WAIT);
        return id;
    }

    /** Every kind of request the API has, valid as written; {V} {B} {S} {A} name existing resources. */
    private static List<Template> templates(String record) {
        List<Template> templates = new ArrayList<>();
        for (String list : LIST_PATHS) {
            templates.add(new Template("GET", list, null));
        }
        Stream.of("/volumes/{V}", "/backups/{B}", "/backups/{B}/export_record", "/backups/{B}/progress", "/snapshots/{S}", "/attachments/{A}",
                "/os-services", "/limits", "/os-quota-sets/demo", "/os-quota-sets/demo/defaults", "/os-availability-zone")
                .forEach(path -> templates.add(new Template("GET", path, null)));
        templates.add(new Template("POST", "/volumes", "{\"volume\": {\"size\": 1, \"name\": \"f\", \"description\": \"d\", \"metadata\": {\"k\": \"v\"}}}"));
        templates.add(new Template("POST", "/volumes", "{\"volume\": {\"size\": 1, \"backup_id\": \"{B}\"}}"));
        templates.add(new Template("POST", "/backups", "{\"backup\": {\"volume_id\": \"{V}\", \"name\": \"f\", \"container\": \"c\", "
                + "\"incremental\": false, \"force\": true, \"metadata\": {\"k\": \"v\"}}}"));
        templates.add(new Template("POST", "/backups", "{\"backup\": {\"volume_id\": \"{V}\", \"snapshot_id\": \"{S}\", \"incremental\": true}}"));
        templates.add(new Template("POST", "/backups/{B}/restore", "{\"restore\": {\"name\": \"r\"}}"));
        templates.add(new Template("POST", "/backups/{B}/restore", "{\"restore\": {\"volume_id\": \"{V}\"}}"));
        templates.add(new Template("POST", "/backups/{B}/action", "{\"os-reset_status\": {\"status\": \"available\"}}"));
        templates.add(new Template("POST", "/backups/{B}/action", "{\"os-force_delete\": {}}"));
        templates.add(new Template("POST", "/backups/import_record", record));
        templates.add(new Template("POST", "/volumes/{V}/action", "{\"os-extend\": {\"new_size\": 2}}"));
        templates.add(new Template("POST", "/volumes/{V}/action", "{\"os-reset_status\": {\"status\": \"available\"}}"));
        templates.add(new Template("POST", "/snapshots", "{\"snapshot\": {\"volume_id\": \"{V}\", \"name\": \"s\", \"force\": true}}"));
        templates.add(new Template("POST", "/attachments", "{\"attachment\": {\"volume_uuid\": \"{V}\", \"connector\": {\"host\": \"fuzz-host\", "
                + "\"initiator\": \"iqn\"}, \"mode\": \"rw\", \"instance_uuid\": \"00000000-0000-0000-0000-000000000001\"}}"));
        templates.add(new Template("POST", "/attachments", "{\"attachment\": {\"volume_uuid\": \"{V}\"}}"));
        templates.add(new Template("POST", "/attachments/{A}/action", "{\"os-complete\": null}"));
        templates.add(new Template("PUT", "/attachments/{A}", "{\"attachment\": {\"connector\": {\"host\": \"other-host\"}}}"));
        templates.add(new Template("PUT", "/volumes/{V}", "{\"volume\": {\"name\": \"n\", \"description\": \"d\", \"metadata\": {\"a\": \"b\"}}}"));
        templates.add(new Template("PUT", "/backups/{B}", "{\"backup\": {\"name\": \"n\", \"description\": \"d\", \"metadata\": {\"a\": \"b\"}}}"));
        templates.add(new Template("PUT", "/os-quota-sets/demo", "{\"quota_set\": {\"volumes\": -1}}"));
        templates.add(new Template("PUT", "/os-services/disable", "{\"host\": \"nowhere\", \"binary\": \"cinder-backup\"}"));
        for (String path : List.of("/volumes/{V}", "/backups/{B}", "/snapshots/{S}", "/attachments/{A}")) {
            templates.add(new Template("DELETE", path, null));
        }
        return templates;
    }

    /** Sends one mutated request; returns what was wrong with the answer, or null. */
    private String oneRequest(RandomGenerator random, RawHttp raw, List<Template> templates) throws IOException {
        Template template = HostileValues.pick(random, templates);
        String prefix = random.nextInt(10) == 0 ? "/v3" : "/v3/demo";
        String path = prefix + ids(random, template.path(), random.nextInt(8) == 0);
        if (template.method().equals("GET") && random.nextInt(3) > 0) {
            path += query(random);
        }
        String body = template.body() == null ? null : ids(random, template.body(), false);
        if (body != null && random.nextInt(10) < 7) {
            body = JsonMutator.mutate(random, JsonMutator.parse(body));
        } else if (body == null && random.nextInt(20) == 0) {
            body = HostileValues.value(random, 0).toString();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Auth-Token", random.nextInt(6) == 0 ? header(random, TOKENS) : "admin:demo");
        if (random.nextInt(10) > 0) {
            headers.put("OpenStack-API-Version", random.nextInt(6) == 0 ? header(random, VERSIONS) : "volume 3.71");
        }
        if (body != null || random.nextInt(10) == 0) {
            headers.put("Content-Type", random.nextInt(8) == 0 ? header(random, CONTENT_TYPES) : "application/json");
        }
        String method = random.nextInt(40) == 0 ? HostileValues.pick(random, List.of("PATCH", "OPTIONS", "HEAD", "TRACE", "PUT", "DELETE")) : template.method();
        RawHttp.Response response = raw.send(method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        String request = method + " " + abbreviate(path) + " " + headers.keySet().stream().map(k -> k + "=" + abbreviate(headers.get(k))).toList()
                + (body == null ? "" : " body " + abbreviate(body));
        String problem = problem(method, response);
        if (problem == null) {
            remember(template, response);
        }
        return problem == null ? null : problem + " for " + request;
    }

    /** What is wrong with an answer, or null when it is a 2xx or a 4xx JSON fault naming its own status. */
    private static String problem(String method, RawHttp.Response response) {
        if (response.timedOut()) {
            return "no answer within 30 s";
        }
        if (response.status() < 0) {
            return "the connection closed without an answer: " + abbreviate(response.body());
        }
        if (response.status() >= 500 || response.status() < 200 || (response.status() >= 300 && response.status() < 400 && response.status() != 300)) {
            return "status " + response.status() + ": " + abbreviate(response.body());
        }
        if (response.status() < 400 || method.equals("HEAD")) {
            return null;
        }
        if (response.cut() && response.body().isEmpty()) {
            // Refused before the body was read; the reset that follows may swallow the answer's body, not its headers.
            return String.valueOf(response.header("Content-Type")).startsWith("application/json") ? null
                    : "status " + response.status() + " (request cut) with " + response.headerLines();
        }
        try {
            JsonNode fault = JSON.readTree(response.body());
            if (fault == null || !fault.isObject() || fault.size() != 1 || fault.elements().next().path("code").asInt() != response.status()
                    || !fault.elements().next().path("message").isTextual()) {
                return "status " + response.status() + " without a fault: " + abbreviate(response.body());
            }
        } catch (IOException e) {
            return "status " + response.status() + " with a body that is not JSON: " + abbreviate(response.body());
        }
        return null;
    }

    /** Keeps the ids of what a request created, so later ones act on many resources, not on the fixtures alone. */
    private void remember(Template template, RawHttp.Response response) {
        if (!template.method().equals("POST") || response.status() / 100 != 2) {
            return;
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            for (var entry : Map.of("volume", volumes, "backup", backups, "snapshot", snapshots, "attachment", attachments).entrySet()) {
                JsonNode id = body.at("/" + entry.getKey() + "/id");
                if (id.isTextual() && entry.getValue().size() < 200) {
                    entry.getValue().add(id.asText());
                }
            }
            JsonNode restored = body.at("/restore/volume_id");
            if (restored.isTextual()) {
                volumes.add(restored.asText());
            }
        } catch (IOException e) {
            // a 2xx with a body that is not JSON creates nothing to remember
        }
    }

    /** Fills in ids: existing ones, or (when {@code hostile}) one of them replaced by a hostile, percent-encoded value. */
    private String ids(RandomGenerator random, String text, boolean hostile) {
        String filled = text.replace("{V}", HostileValues.pick(random, volumes)).replace("{B}", HostileValues.pick(random, backups))
                .replace("{S}", HostileValues.pick(random, snapshots)).replace("{A}", HostileValues.pick(random, attachments));
        if (!hostile) {
            return filled;
        }
        String[] segments = filled.split("/", -1);
        int at = random.nextInt(1, segments.length);
        segments[at] = switch (random.nextInt(4)) {
            case 0 -> HostileValues.pick(random, List.of("..", "%2e%2e", "%2E%2e%2F", "%00", "%0d%0aX-Injected:%201", "%2f", "%5c..%5c", ".",
                    "%252e%252e", "%ff%fe", "%", "%zz", ";x=1", "a%3bb"));
            default -> URLEncoder.encode(HostileValues.string(random), StandardCharsets.UTF_8);
        };
        return String.join("/", segments);
    }

    private static String query(RandomGenerator random) {
        StringBuilder query = new StringBuilder();
        for (int i = random.nextInt(1, 5); i > 0; i--) {
            String key = random.nextInt(8) == 0 ? HostileValues.string(random) : HostileValues.pick(random, QUERY_KEYS);
            String value = random.nextInt(4) == 0 ? HostileValues.string(random) : HostileValues.pick(random, QUERY_VALUES);
            query.append(query.isEmpty() ? "?" : "&").append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
                    .append(random.nextInt(6) == 0 ? value.replaceAll("[^\\x21-\\x7e]", "") : URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    /** A header value from the list or a hostile string, reduced to what HTTP lets a header carry (CR and LF: HostileRequestTest). */
    private static String header(RandomGenerator random, List<String> choices) {
        String value = random.nextInt(4) == 0 ? HostileValues.string(random) : HostileValues.pick(random, choices);
        return value.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String abbreviate(String text) {
        String flat = text.replace("\r", "\\r").replace("\n", "\\n");
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "…(" + flat.length() + " chars)";
    }

    /** Lists everything, in every project, until no record is in a transitional status. */
    private static void awaitNothingTransitional(Http admin) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> stuck;
        do {
            stuck = new ArrayList<>();
            // A volume attaching with an attachment that has its connector waits for the client's os-complete, not for
            // the service: that is where cinder leaves it too.
            Set<String> awaitingComplete = new java.util.HashSet<>();
            for (JsonNode attachment : admin.get("/v3/demo/attachments/detail?all_tenants=1&limit=1000").body().get("attachments")) {
                if (attachment.path("status").asText().equals("attaching")) {
                    awaitingComplete.add(attachment.path("volume_id").asText());
                }
            }
            for (String[] list : new String[][] {{"volumes", "volumes"}, {"backups", "backups"}, {"snapshots", "snapshots"}}) {
                Http.Response all = admin.get("/v3/demo/" + list[0] + "/detail?all_tenants=1&limit=1000");
                assertThat(all.status()).isEqualTo(200);
                for (JsonNode item : all.body().get(list[1])) {
                    String status = item.path("status").asText();
                    if (TRANSITIONAL.contains(status) && !(status.equals("attaching") && awaitingComplete.contains(item.get("id").asText()))) {
                        stuck.add(list[0] + " " + item.get("id").asText() + " " + item.path("status").asText());
                    }
                }
            }
            if (stuck.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        assertThat(stuck).as("records still in a transitional status a minute after the last request").isEmpty();
    }
}
