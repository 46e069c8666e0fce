package io.hearth.service.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.db.Json;
import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code auth_strategy = keystone}: the X-Auth-Token is validated against Keystone v3 ({@code GET /v3/auth/tokens}
 * with the token in X-Subject-Token), authenticated with a service token obtained from the
 * {@code [keystone_authtoken]} credentials, as keystonemiddleware does. Validated tokens are cached.
 */
public final class KeystoneAuthenticator implements Authenticator {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** A service token this close to its expiry is renewed first. */
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(1);
    private static final int CACHE_CAPACITY = 10_000;

    private record ServiceToken(String value, Instant expiresAt) {}

    private final KeystoneOptions options;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final TokenCache cache;
    private ServiceToken serviceToken;

    public KeystoneAuthenticator(KeystoneOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
        this.cache = new TokenCache(clock, CACHE_CAPACITY);
    }

    @Override
    public Identity authenticate(Optional<String> token, Optional<String> urlProjectId) {
        String value = token.map(String::strip).filter(t -> !t.isEmpty())
                .orElseThrow(() -> unauthorized("The request you have made requires authentication."));
        Optional<Identity> cached = cache.get(value);
        if (cached.isPresent()) {
            return cached.get();
        }
        JsonNode validated = validate(value, false);
        JsonNode body = validated.path("token");
        JsonNode project = body.path("project");
        if (project.isMissingNode()) {
            throw unauthorized("Hearth needs a project-scoped token; this one is scoped to no project.");
        }
        Set<String> roles = new HashSet<>();
        body.path("roles").forEach(role -> roles.add(role.path("name").asText().toLowerCase(Locale.ROOT)));
        Identity identity = new Identity(body.path("user").path("id").asText(), project.path("id").asText(),
                project.path("domain").path("id").asText(), roles);
        Instant expiresAt = Instant.parse(body.path("expires_at").asText());
        Instant cacheUntil = clock.instant().plus(options.tokenCacheTime());
        cache.put(value, identity, expiresAt.isBefore(cacheUntil) ? expiresAt : cacheUntil);
        return identity;
    }

    @Override
    public Optional<String> challenge() {
        return Optional.of("Keystone uri=\"" + options.wwwAuthenticateUri() + "\"");
    }

    private JsonNode validate(String token, boolean renewed) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.authUrl() + "/auth/tokens")).timeout(TIMEOUT)
                .header("X-Auth-Token", serviceToken(renewed)).header("X-Subject-Token", token).GET().build();
        HttpResponse<String> response = send(request);
        return switch (response.statusCode()) {
            case 200 -> parse(response.body());
            case 401, 403 -> {
                if (renewed) {
                    throw ServiceException.unavailable("Keystone refuses Hearth's service credentials ([keystone_authtoken]): "
                            + response.statusCode());
                }
                yield validate(token, true);
            }
            case 404 -> throw unauthorized("The request you have made requires authentication: the token is invalid or expired.");
            default -> throw ServiceException.unavailable("Keystone answered " + response.statusCode() + " while validating a token.");
        };
    }

    private synchronized String serviceToken(boolean renew) {
        if (renew || serviceToken == null || clock.instant().plus(RENEW_BEFORE).isAfter(serviceToken.expiresAt())) {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("name", options.username());
            user.put("password", options.password());
            user.put("domain", Map.of(options.userDomain().field(), options.userDomain().value()));
            Map<String, Object> auth = Map.of("auth", Map.of(
                    "identity", Map.of("methods", List.of("password"), "password", Map.of("user", user)),
                    "scope", Map.of("project", Map.of("name", options.projectName(),
                            "domain", Map.of(options.projectDomain().field(), options.projectDomain().value())))));
            HttpRequest request = HttpRequest.newBuilder(URI.create(options.authUrl() + "/auth/tokens")).timeout(TIMEOUT)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(auth))).build();
            HttpResponse<String> response = send(request);
            if (response.statusCode() != 201) {
                throw ServiceException.unavailable("Keystone refuses Hearth's service credentials ([keystone_authtoken] username "
                        + options.username() + "): " + response.statusCode());
            }
            String value = response.headers().firstValue("X-Subject-Token")
                    .orElseThrow(() -> ServiceException.unavailable("Keystone issued a token without X-Subject-Token."));
            serviceToken = new ServiceToken(value, Instant.parse(parse(response.body()).path("token").path("expires_at").asText()));
        }
        return serviceToken.value();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ServiceException.unavailable("Keystone at " + options.authUrl() + " cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServiceException.unavailable("Interrupted while asking Keystone.");
        }
    }

    private static JsonNode parse(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw ServiceException.unavailable("Keystone answered with a body that is not JSON: " + e.getMessage());
        }
    }

    private static ServiceException unauthorized(String message) {
        return new ServiceException(ErrorKind.UNAUTHORIZED, message);
    }
}
