package io.hearth.target.swift;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.TransientTargetException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A small client of the Swift object API (there is no well-kept Java SDK for it): containers, objects, listings, over
 * {@link HttpClient}. It authenticates lazily and once more when Swift answers 401 (an expired token), and turns
 * answers into exceptions that say what to fix; transient ones are {@link TransientTargetException}s.
 */
final class SwiftClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An object's size, time and user metadata, as a HEAD or a listing gives them. */
    record ObjectHead(long size, Instant lastModified, Map<String, List<String>> headers) {
        Optional<String> header(String name) {
            return HttpHeaders.of(headers, (a, b) -> true).firstValue(name);
        }
    }

    /** One entry of a container listing. */
    record Listed(String name, long size, Instant lastModified) {}

    private final HttpClient http;
    private final SwiftAuth auth;
    private final Duration timeout;
    private final Object sessionLock = new Object();
    private SwiftSession session;

    SwiftClient(HttpClient http, SwiftAuth auth, Duration timeout) {
        this.http = requireNonNull(http, "http is null");
        this.auth = requireNonNull(auth, "auth is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    @Override
    public void close() {
        http.close();
    }

    String describe() {
        return auth.describe();
    }

    private SwiftSession session() throws IOException {
        synchronized (sessionLock) {
            if (session == null) {
                session = auth.authenticate(http);
            }
            return session;
        }
    }

    private void expire(SwiftSession stale) {
        synchronized (sessionLock) {
            if (session == stale) {
                session = null;
            }
        }
    }

    /** Sends the request with the current token; on 401 authenticates again and sends it once more. */
    private HttpResponse<InputStream> call(String what, Function<SwiftSession, HttpRequest.Builder> request) throws IOException {
        for (int attempt = 1; ; attempt++) {
            SwiftSession current = session();
            HttpRequest built = request.apply(current).header("X-Auth-Token", current.token()).timeout(timeout).build();
            HttpResponse<InputStream> response = SwiftHttp.send(http, built, HttpResponse.BodyHandlers.ofInputStream(), what);
            if (response.statusCode() != 401) {
                return response;
            }
            response.body().close();
            expire(current);
            if (attempt == 2) {
                throw HearthException.badInput("Swift refused a fresh token of " + auth.describe() + " to " + what
                        + " (HTTP 401): check backup_swift_user, backup_swift_key and the user's roles");
            }
        }
    }

    private static URI url(SwiftSession session, String container, String object) {
        return URI.create(session.storageUrl() + "/" + container + (object == null ? "" : "/" + object));
    }

    private static String body(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return SwiftHttp.excerpt(new String(in.readNBytes(4096), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The failure for an answer the caller did not expect: a {@link TransientTargetException}, or a plain one; answers
     * the user must act on (forbidden, no such container) are thrown at once as {@link HearthException}s.
     */
    private IOException failure(HttpResponse<InputStream> response, String what, String container) {
        int status = response.statusCode();
        String text = body(response);
        String detail = "Swift answered HTTP " + status + " to " + what + (text.isEmpty() ? "" : ": " + text);
        if (SwiftHttp.isTransient(status)) {
            return new TransientTargetException(detail);
        }
        if (status == 403) {
            throw HearthException.badInput(detail + "; " + auth.describe() + " lacks the permission (an operator or a "
                    + "container ACL must grant it, or use another backup_swift_user)");
        }
        if (status == 404) {
            throw HearthException.notFound("Swift container '" + container + "' does not exist (" + detail
                    + "); check backup_swift_container or the repository URL");
        }
        return new IOException(detail);
    }

    /** HEAD on the container; creates it when absent. */
    void ensureContainer(String container) throws IOException {
        String what = "read container " + container;
        HttpResponse<InputStream> head = call(what, s -> HttpRequest.newBuilder(url(s, container, null))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        head.body().close();
        if (head.statusCode() / 100 == 2) {
            return;
        }
        if (head.statusCode() != 404) {
            throw failure(head, what, container);
        }
        String create = "create container " + container;
        HttpResponse<InputStream> put = call(create, s -> HttpRequest.newBuilder(url(s, container, null))
                .PUT(HttpRequest.BodyPublishers.noBody()));
        if (put.statusCode() / 100 != 2) {
            throw failure(put, create, container);
        }
        put.body().close();
    }

    /**
     * PUT with {@code If-None-Match: *}: Swift's object server refuses (412) when the object already exists.
     *
     * @return true if created, false if the object existed
     */
    boolean putIfNoneMatch(String container, String object, ByteBuffer data, Map<String, String> headers) throws IOException {
        String etag = md5(data);
        String what = "store " + container + "/" + object;
        HttpResponse<InputStream> response = call(what, s -> {
            HttpRequest.Builder builder = HttpRequest.newBuilder(url(s, container, object))
                    .header("If-None-Match", "*").header("ETag", etag).header("Content-Type", "application/octet-stream")
                    .PUT(data.remaining() == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.fromPublisher(new BufferPublisher(data), data.remaining()));
            headers.forEach(builder::header);
            return builder;
        });
        int status = response.statusCode();
        if (status == 412) {
            response.body().close();
            return false;
        }
        if (status == 422) {
            throw new TransientTargetException("Swift stored " + container + "/" + object + " with another checksum than sent "
                    + "(HTTP 422): the data was damaged on the way");
        }
        if (status / 100 != 2) {
            throw failure(response, what, container);
        }
        response.body().close();
        return true;
    }

    private static String md5(ByteBuffer data) {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            digest.update(data.duplicate());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this Java", e);
        }
    }

    /** HEAD on an object; {@code newest} asks every replica (X-Newest) rather than the first to answer. */
    Optional<ObjectHead> head(String container, String object, boolean newest) throws IOException {
        String what = "read " + container + "/" + object;
        HttpResponse<InputStream> response = call(what, s -> {
            HttpRequest.Builder builder = HttpRequest.newBuilder(url(s, container, object))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody());
            return newest ? builder.header("X-Newest", "true") : builder;
        });
        response.body().close();
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() / 100 != 2) {
            throw failure(response, what, container);
        }
        HttpHeaders headers = response.headers();
        long size = headers.firstValueAsLong("Content-Length").orElse(0);
        Instant time = headers.firstValue("X-Timestamp").map(SwiftClient::timestamp).orElse(Instant.EPOCH);
        return Optional.of(new ObjectHead(size, time, headers.map()));
    }

    private static Instant timestamp(String seconds) {
        BigDecimal value = new BigDecimal(seconds);
        return Instant.ofEpochSecond(value.longValue(), value.remainder(BigDecimal.ONE).movePointRight(9).longValue());
    }

    /**
     * GETs an object or a range of it.
     *
     * @param range {@code bytes=a-b}, or null for the whole object
     * @return the answer with an open body (200, 206 or 416), or empty when the object does not exist
     */
    Optional<HttpResponse<InputStream>> get(String container, String object, String range) throws IOException {
        String what = "read " + container + "/" + object;
        HttpResponse<InputStream> response = call(what, s -> {
            HttpRequest.Builder builder = HttpRequest.newBuilder(url(s, container, object)).GET();
            return range == null ? builder : builder.header("Range", range);
        });
        int status = response.statusCode();
        if (status == 404) {
            response.body().close();
            return Optional.empty();
        }
        if (status / 100 != 2 && status != 416) {
            throw failure(response, what, container);
        }
        return Optional.of(response);
    }

    /** One page of the objects whose names start with {@code prefix}, after {@code marker}, in name order. */
    List<Listed> list(String container, String prefix, String marker, int limit) throws IOException {
        String what = "list " + container + " under '" + prefix + "'";
        String query = "?format=json&limit=" + limit + "&prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8)
                + (marker == null ? "" : "&marker=" + URLEncoder.encode(marker, StandardCharsets.UTF_8));
        HttpResponse<InputStream> response = call(what, s -> HttpRequest.newBuilder(URI.create(url(s, container, null) + query)).GET());
        if (response.statusCode() / 100 != 2) {
            throw failure(response, what, container);
        }
        List<Listed> page = new ArrayList<>();
        if (response.statusCode() == 204) {
            response.body().close();
            return page;
        }
        JsonNode entries;
        try (InputStream in = response.body()) {
            entries = JSON.readTree(in);
        }
        for (JsonNode entry : entries) {
            page.add(new Listed(entry.path("name").asText(), entry.path("bytes").asLong(),
                    LocalDateTime.parse(entry.path("last_modified").asText()).toInstant(ZoneOffset.UTC)));
        }
        return page;
    }

    /** Deletes an object; one that is already gone is fine. */
    void delete(String container, String object) throws IOException {
        String what = "delete " + container + "/" + object;
        HttpResponse<InputStream> response = call(what, s -> HttpRequest.newBuilder(url(s, container, object)).DELETE());
        if (response.statusCode() / 100 != 2 && response.statusCode() != 404) {
            throw failure(response, what, container);
        }
        response.body().close();
    }
}
