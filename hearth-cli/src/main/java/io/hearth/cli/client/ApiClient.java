package io.hearth.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.service.tls.PemFiles;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** The hearth CLI's client of the Cinder v3 API: JSON in and out, faults turned into errors that say what went wrong. */
public final class ApiClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String VERSION = "volume 3.71";

    private final HttpClient http;
    private final String base;
    private final String token;

    public ApiClient(String url, String token) {
        this(url, token, Optional.empty());
    }

    /** @param caCert the CAs to trust for https (PEM), instead of the JDK's */
    public ApiClient(String url, String token, Optional<Path> caCert) {
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        caCert.ifPresent(file -> builder.sslContext(PemFiles.clientContext("--os-cacert", file)));
        this.http = builder.build();
    }

    /** {@code /v3/<project>} from a noauth token {@code user:project}, else {@code /v3} (project-less URLs, 3.67+). */
    public String root() {
        String[] parts = token.split(":");
        return parts.length >= 2 ? "/v3/" + parts[1] : "/v3";
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /** Like {@link #get} but a 404 is an empty result rather than an error. */
    public JsonNode getOrNull(String path) {
        try {
            return get(path);
        } catch (HearthException e) {
            if (e.category() == ErrorCategory.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private JsonNode send(String method, String path, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + root() + path)).timeout(Duration.ofMinutes(5))
                    .header("X-Auth-Token", token).header("OpenStack-API-Version", VERSION).header("Accept", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? MAPPER.nullNode() : MAPPER.readTree(response.body());
            if (response.statusCode() >= 400) {
                throw fault(response.statusCode(), json);
            }
            return json;
        } catch (ConnectException e) {
            throw new HearthException(ErrorCategory.UNAVAILABLE, "cannot reach the API at " + base
                    + ": is 'hearth serve' running? (set --url or HEARTH_URL)");
        } catch (IOException e) {
            throw new HearthException(ErrorCategory.UNAVAILABLE, "request to " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HearthException(ErrorCategory.INTERNAL, "interrupted");
        }
    }

    private static HearthException fault(int status, JsonNode json) {
        String message = "HTTP " + status;
        Iterator<Map.Entry<String, JsonNode>> fields = json.isObject() ? json.properties().iterator() : null;
        if (fields != null && fields.hasNext()) {
            JsonNode fault = fields.next().getValue();
            if (fault.has("message")) {
                message = fault.get("message").asText() + " (HTTP " + status + ")";
            }
        }
        if (status == 401) {
            message += ": check the token (--token or OS_TOKEN; with noauth it is user:project)";
        } else if (status == 403) {
            message += ": the token's roles do not allow this (an admin token, or a member of the project, may)";
        }
        ErrorCategory category = switch (status) {
            case 400, 406, 413 -> ErrorCategory.BAD_INPUT;
            case 404 -> ErrorCategory.NOT_FOUND;
            case 409 -> ErrorCategory.CONFLICT;
            case 503 -> ErrorCategory.UNAVAILABLE;
            default -> ErrorCategory.INTERNAL;
        };
        return new HearthException(category, message);
    }

    /** Polls until the condition holds (or fails after the timeout), calling {@code tick} between polls. */
    public JsonNode await(String path, Predicate<JsonNode> done, Duration timeout, Runnable tick) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode now = getOrNull(path);
            if (done.test(now)) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new HearthException(ErrorCategory.UNAVAILABLE, "gave up waiting on " + path + " after " + timeout);
            }
            tick.run();
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HearthException(ErrorCategory.INTERNAL, "interrupted");
            }
        }
    }

    public static String pretty(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw HearthException.badInput("not JSON: " + e.getMessage());
        }
    }
}
