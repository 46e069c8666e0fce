package io.hearth.target.swift;

import static java.util.Objects.requireNonNull;

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
 * Auth version 1 (tempauth, swauth and Keystone's v1 shims): a GET on the auth URL with {@code X-Auth-User} and
 * {@code X-Auth-Key} answers with {@code X-Storage-Url} and {@code X-Auth-Token}.
 *
 * @param storageUrl overrides the storage URL the auth answer gives ({@code backup_swift_url}), when set
 */
record TempAuth(URI authUrl, String user, String key, Optional<URI> storageUrl, Duration timeout) implements SwiftAuth {
    TempAuth {
        requireNonNull(authUrl, "authUrl is null");
        requireNonNull(user, "user is null");
        requireNonNull(key, "key is null");
        requireNonNull(storageUrl, "storageUrl is null");
    }

    @Override
    public SwiftSession authenticate(HttpClient http) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(authUrl).timeout(timeout).GET()
                .header("X-Auth-User", user).header("X-Auth-Key", key).build();
        HttpResponse<String> response = SwiftHttp.send(http, request, HttpResponse.BodyHandlers.ofString(), "authenticate at " + authUrl);
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw HearthException.badInput("Swift at " + authUrl + " refused user '" + user
                    + "' (HTTP " + status + "): check backup_swift_user and backup_swift_key");
        }
        if (SwiftHttp.isTransient(status)) {
            throw new TransientTargetException("Swift auth at " + authUrl + " answered HTTP " + status);
        }
        if (status / 100 != 2) {
            throw new IOException("Swift auth at " + authUrl + " answered HTTP " + status + "; is backup_swift_auth_url a v1 auth "
                    + "URL (…/auth/v1.0) and backup_swift_auth_version right?");
        }
        String token = response.headers().firstValue("X-Auth-Token").orElseThrow(() -> new IOException(
                "Swift auth at " + authUrl + " answered without X-Auth-Token; is backup_swift_auth_url a v1 auth URL?"));
        URI url = storageUrl.or(() -> response.headers().firstValue("X-Storage-Url").map(URI::create)).orElseThrow(() ->
                new IOException("Swift auth at " + authUrl + " gave no X-Storage-Url; set backup_swift_url"));
        return new SwiftSession(SwiftHttp.withoutTrailingSlash(url), token);
    }

    @Override
    public String describe() {
        return "user '" + user + "' at " + authUrl;
    }

    @Override
    public String toString() {
        return "TempAuth[" + describe() + "]";
    }
}
