package io.hearth.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.service.FakeBackupEngine;
import io.hearth.service.Http;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.config.IniFile;
import io.hearth.service.server.HearthServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth_strategy = keystone} against a real Keystone (Debian's package, sqlite, on loopback), started by
 * {@code scripts/keystone.sh}, with users of two projects in the roles admin, member and reader.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeystoneAuthTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path SCRIPT = Path.of("..", "scripts", "keystone.sh").toAbsolutePath().normalize();
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A user's project-scoped token and its project's id. */
    record Login(String token, String projectId) {}

    private final HttpClient client = HttpClient.newHttpClient();
    private Path keystoneDir;
    private Map<String, String> env;
    private String keystoneUrl;
    private HearthServer server;
    private String hearth;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("keystone-manage") || isRoot(), "Keystone is not installed and cannot be: run scripts/keystone.sh up DIR as root once");
        keystoneDir = dir.resolve("keystone");
        Process up = new ProcessBuilder("bash", SCRIPT.toString(), "up", keystoneDir.toString())
                .redirectError(dir.resolve("keystone-up.log").toFile()).start();
        String exports = new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(up.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(up.exitValue()).as(Files.readString(dir.resolve("keystone-up.log"))).isZero();
        env = new HashMap<>();
        exports.lines().filter(l -> l.startsWith("export ")).map(l -> l.substring(7).split("=", 2)).forEach(kv -> env.put(kv[0], kv[1]));
        keystoneUrl = env.get("KEYSTONE_URL");

        HearthConfig config = HearthConfig.from(IniFile.parse(List.of("[DEFAULT]", "state_path = " + dir.resolve("state"),
                "osapi_volume_listen_port = 0", "host = test-host", "auth_strategy = keystone",
                "[keystone_authtoken]", "auth_url = " + keystoneUrl.replace("/v3", ""), "www_authenticate_uri = " + keystoneUrl,
                "username = hearth", "password = hearth-secret", "project_name = service", "user_domain_name = Default",
                "project_domain_id = default"), "test"));
        server = HearthServer.start(config, c -> new FakeBackupEngine(dir.resolve("repo")));
        hearth = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (keystoneDir != null) {
            new ProcessBuilder("bash", SCRIPT.toString(), "down", keystoneDir.toString()).inheritIO().start().waitFor(1, TimeUnit.MINUTES);
        }
    }

    private Login login(String user, String password, String project) throws IOException, InterruptedException {
        HttpResponse<String> response = passwordAuth(keystoneUrl + "/auth/tokens", user, password, project);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return new Login(response.headers().firstValue("X-Subject-Token").orElseThrow(),
                MAPPER.readTree(response.body()).at("/token/project/id").asText());
    }

    /** Keystone's password authentication, scoped to a project of the default domain, POSTed to {@code url}. */
    private HttpResponse<String> passwordAuth(String url, String user, String password, String project) throws IOException, InterruptedException {
        String body = "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"" + user
                + "\", \"domain\": {\"id\": \"default\"}, \"password\": \"" + password + "\"}}}, \"scope\": {\"project\": {\"name\": \""
                + project + "\", \"domain\": {\"id\": \"default\"}}}}}";
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(2)
    void theDashboardSignsInThroughTheApi() throws Exception {
        JsonNode config = MAPPER.readTree(client.send(HttpRequest.newBuilder(URI.create(hearth + "/dashboard/config.json")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(config.get("auth_strategy").asText()).isEqualTo("keystone");
        assertThat(config.get("keystone_url").asText()).isEqualTo(keystoneUrl);

        HttpResponse<String> signedIn = passwordAuth(hearth + "/dashboard/auth/tokens", "demo-member", "demo-member", "demo");
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(201);
        String token = signedIn.headers().firstValue("X-Subject-Token").orElseThrow();
        String project = MAPPER.readTree(signedIn.body()).at("/token/project/id").asText();
        assertThat(new Http(hearth, token, "3.67").get("/v3/" + project + "/volumes").status()).isEqualTo(200);

        HttpResponse<String> refused = passwordAuth(hearth + "/dashboard/auth/tokens", "demo-member", "wrong", "demo");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("X-Subject-Token")).isEmpty();
        assertThat(MAPPER.readTree(refused.body()).at("/error/message").asText()).isNotBlank();
    }

    @Test
    @Order(1)
    void tokensAreValidatedAndTheirRolesAndProjectDecide() throws Exception {
        Login member = login("demo-member", "demo-member", "demo");
        Login reader = login("demo-reader", "demo-reader", "demo");
        Login other = login("other-member", "other-member", "other");
        Login admin = login("admin", env.get("OS_PASSWORD"), "admin");
        Http http = new Http(hearth, member.token(), "3.71");
        String demo = "/v3/" + member.projectId();

        Http.Response none = http.as(null).get(demo + "/volumes");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Keystone uri=\"" + keystoneUrl + "\"");
        Http.Response forged = http.as("gAAAAAB-not-a-token").get(demo + "/volumes");
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.header("WWW-Authenticate")).startsWith("Keystone uri=");

        Http.Response created = http.post(demo + "/volumes", "{\"volume\": {\"size\": 1, \"name\": \"kv\"}}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(202);
        String volume = created.body().at("/volume/id").asText();
        http.await(demo + "/volumes/" + volume, b -> b.at("/volume/status").asText().equals("available"), WAIT);
        Http.Response backup = http.post(demo + "/backups", "{\"backup\": {\"volume_id\": \"" + volume + "\", \"name\": \"kb\"}}");
        assertThat(backup.status()).as(backup.body().toString()).isEqualTo(202);
        http.await(demo + "/backups/" + backup.body().at("/backup/id").asText(), b -> b.at("/backup/status").asText().equals("available"), WAIT);

        Http asReader = http.as(reader.token());
        assertThat(asReader.get(demo + "/volumes/" + volume).status()).isEqualTo(200);
        Http.Response refused = asReader.delete(demo + "/volumes/" + volume);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().at("/forbidden/message").asText()).isEqualTo("Policy doesn't allow volume:delete to be performed.");

        Http asOther = http.as(other.token());
        assertThat(asOther.get("/v3/" + other.projectId() + "/volumes/" + volume).status()).isEqualTo(404);
        assertThat(asOther.get(demo + "/volumes").status()).as("another project's URL").isEqualTo(400);

        Http asAdmin = http.as(admin.token());
        JsonNode all = asAdmin.get("/v3/" + admin.projectId() + "/volumes?all_tenants=1").body();
        assertThat(all.get("volumes").findValuesAsText("id")).contains(volume);
        assertThat(asAdmin.get("/v3/" + admin.projectId() + "/os-services").status()).isEqualTo(200);
        assertThat(http.get(demo + "/os-services").status()).isEqualTo(403);
    }

    @Test
    @Order(2)
    void theOpenstackClientAuthenticatesTheNormalWay() throws Exception {
        assumeTrue(onPath("openstack"), "the openstack CLI is not installed (apt-get install python3-openstackclient)");
        Login admin = login("admin", env.get("OS_PASSWORD"), "admin");
        String service = post(admin, "/services", "{\"service\": {\"type\": \"volumev3\", \"name\": \"cinderv3\"}}").at("/service/id").asText();
        post(admin, "/endpoints", "{\"endpoint\": {\"service_id\": \"" + service + "\", \"interface\": \"public\", \"region_id\": \"RegionOne\", "
                + "\"url\": \"" + hearth + "/v3/%(project_id)s\"}}");
        Map<String, String> memberEnv = new HashMap<>(env);
        memberEnv.put("OS_USERNAME", "demo-member");
        memberEnv.put("OS_PASSWORD", "demo-member");
        memberEnv.put("OS_PROJECT_NAME", "demo");
        ProcessBuilder list = new ProcessBuilder("openstack", "--os-volume-api-version", "3", "volume", "backup", "list", "-f", "json");
        list.environment().putAll(memberEnv);
        Process process = list.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(MAPPER.readTree(output.substring(output.indexOf('['))).findValuesAsText("Name")).contains("kb");
    }

    @Test
    @Order(3)
    void aValidatedTokenIsCachedWhileKeystoneIsAway() throws Exception {
        Login member = login("demo-member", "demo-member", "demo");
        Login fresh = login("demo-reader", "demo-reader", "demo");
        Http http = new Http(hearth, member.token(), "3.71");
        String demo = "/v3/" + member.projectId();
        assertThat(http.get(demo + "/volumes").status()).isEqualTo(200);
        new ProcessBuilder("bash", SCRIPT.toString(), "down", keystoneDir.toString()).inheritIO().start().waitFor(1, TimeUnit.MINUTES);
        assertThat(http.get(demo + "/volumes").status()).as("cached").isEqualTo(200);
        Http.Response unknown = http.as(fresh.token()).get(demo + "/volumes");
        assertThat(unknown.status()).as(unknown.body().toString()).isEqualTo(503);
    }

    private JsonNode post(Login admin, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(keystoneUrl + path))
                .header("Content-Type", "application/json").header("X-Auth-Token", admin.token())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return MAPPER.readTree(response.body());
    }

    private static boolean onPath(String command) throws IOException, InterruptedException {
        return new ProcessBuilder("bash", "-c", "command -v " + command).start().waitFor() == 0;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
