package io.hearth.service.api;

import io.hearth.service.auth.KeystoneOptions;
import io.hearth.service.error.ServiceException;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The dashboard's Keystone sign-in: {@code POST /dashboard/auth/tokens} goes on to Keystone's {@code /v3/auth/tokens}
 * at the {@code auth_url} the api itself uses, and Keystone's answer (status, body, X-Subject-Token) comes back as it
 * is. Relayed, the page needs no CORS set up on Keystone, and Keystone need not even be reachable from the browser;
 * nothing is kept here, and only the path and status reach the audit log.
 */
final class DashboardSignIn {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final String SUBJECT_TOKEN = "X-Subject-Token";

    private final URI tokens;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    DashboardSignIn(KeystoneOptions keystone) {
        this.tokens = URI.create(keystone.authUrl() + "/auth/tokens");
    }

    void handle(Context ctx) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(tokens).timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ctx.bodyAsBytes())).build();
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw ServiceException.unavailable("Keystone at " + tokens + " cannot be reached (" + e.getMessage()
                    + "); check [keystone_authtoken] auth_url, then sign in again.");
        }
        answer.headers().firstValue(SUBJECT_TOKEN).ifPresent(token -> ctx.header(SUBJECT_TOKEN, token));
        ctx.header("Cache-Control", "no-store");
        ctx.status(answer.statusCode()).contentType(answer.headers().firstValue("Content-Type").orElse("application/json"))
                .result(answer.body());
    }
}
