package io.hearth.target.swift;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.TransientTargetException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Keystone v3 password authentication scoped to a project: {@code POST /v3/auth/tokens} answers with the token in
 * {@code X-Subject-Token} and a catalog, in which {@code swift_catalog_info} picks the object-store endpoint.
 *
 * @param catalog which catalog entry is Swift ({@code swift_catalog_info})
 * @param storageUrl overrides the catalog's endpoint ({@code backup_swift_url}), when set
 */
record KeystoneV3Auth(URI authUrl, String user, String userDomain, String password, String project, String projectDomain,
        CatalogInfo catalog, Optional<URI> storageUrl, Duration timeout) implements SwiftAuth {
    private static final ObjectMapper JSON = new ObjectMapper();

    KeystoneV3Auth {
        requireNonNull(authUrl, "authUrl is null");
        requireNonNull(user, "user is null");
        requireNonNull(userDomain, "userDomain is null");
        requireNonNull(password, "password is null");
        requireNonNull(project, "project is null");
        requireNonNull(projectDomain, "projectDomain is null");
        requireNonNull(catalog, "catalog is null");
        requireNonNull(storageUrl, "storageUrl is null");
    }

    /**
     * cinder's {@code <service_type>:<service_name>:<endpoint_type>}, for instance {@code object-store:swift:publicURL}.
     * An empty name matches any.
     */
    record CatalogInfo(String type, String name, String endpointType) {
        static CatalogInfo parse(String option, String text) {
            String[] parts = text.split(":", -1);
            if (parts.length != 3 || parts[0].isBlank() || parts[2].isBlank()) {
                throw HearthException.badInput(option + " must be <service_type>:<service_name>:<endpoint_type>, not '" + text + "'");
            }
            return new CatalogInfo(parts[0], parts[1], parts[2]);
        }

        /** Keystone v3 calls publicURL, internalURL and adminURL interfaces public, internal and admin. */
        String interfaceName() {
            return endpointType.endsWith("URL") ? endpointType.substring(0, endpointType.length() - 3) : endpointType;
        }
    }

    private URI tokensUrl() {
        String base = SwiftHttp.withoutTrailingSlash(authUrl).toString();
        return URI.create((base.endsWith("/v3") ? base : base + "/v3") + "/auth/tokens");
    }

    @Override
    public SwiftSession authenticate(HttpClient http) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode identity = body.putObject("auth").putObject("identity");
        identity.putArray("methods").add("password");
        ObjectNode userNode = identity.putObject("password").putObject("user");
        userNode.put("name", user).put("password", password).putObject("domain").put("name", userDomain);
        ObjectNode projectNode = ((ObjectNode) body.get("auth")).putObject("scope").putObject("project");
        projectNode.put("name", project).putObject("domain").put("name", projectDomain);

        URI url = tokensUrl();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        HttpResponse<String> response = SwiftHttp.send(http, request, HttpResponse.BodyHandlers.ofString(), "authenticate at " + url);
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw HearthException.badInput("Keystone at " + url + " refused user '" + user + "' (domain " + userDomain
                    + ") for project '" + project + "' (domain " + projectDomain + "), HTTP " + status
                    + ": check backup_swift_user, backup_swift_key, backup_swift_user_domain, backup_swift_project and "
                    + "backup_swift_project_domain");
        }
        if (SwiftHttp.isTransient(status)) {
            throw new TransientTargetException("Keystone at " + url + " answered HTTP " + status);
        }
        if (status / 100 != 2) {
            throw new IOException("Keystone at " + url + " answered HTTP " + status + ": " + SwiftHttp.excerpt(response.body())
                    + "; is backup_swift_auth_url the Keystone v3 URL?");
        }
        String token = response.headers().firstValue("X-Subject-Token")
                .orElseThrow(() -> new IOException("Keystone at " + url + " answered without X-Subject-Token"));
        URI storage = storageUrl.isPresent() ? storageUrl.get() : endpoint(JSON.readTree(response.body()), url);
        return new SwiftSession(SwiftHttp.withoutTrailingSlash(storage), token);
    }

    private URI endpoint(JsonNode answer, URI url) throws IOException {
        for (JsonNode service : answer.path("token").path("catalog")) {
            if (!service.path("type").asText().equals(catalog.type())
                    || !(catalog.name().isEmpty() || service.path("name").asText().equals(catalog.name()))) {
                continue;
            }
            for (JsonNode endpoint : service.path("endpoints")) {
                if (endpoint.path("interface").asText().equals(catalog.interfaceName())) {
                    return URI.create(endpoint.path("url").asText());
                }
            }
        }
        throw HearthException.badInput("the catalog Keystone at " + url + " gave for project '" + project + "' has no "
                + catalog.interfaceName() + " endpoint of type " + catalog.type()
                + (catalog.name().isEmpty() ? "" : " named " + catalog.name())
                + ": check swift_catalog_info, or set backup_swift_url");
    }

    @Override
    public String describe() {
        return "user '" + user + "' of project '" + project + "' at " + authUrl;
    }

    @Override
    public String toString() {
        return "KeystoneV3Auth[" + describe() + "]";
    }
}
