package io.hearth.target.swift;

import io.hearth.engine.target.TransientTargetException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The few rules every Swift and Keystone request shares: which failures are transient, and how errors read. */
final class SwiftHttp {
    private SwiftHttp() {}

    /**
     * Sends, turning a dropped connection or a timeout into a {@link TransientTargetException} (a refused connection
     * stays a {@link ConnectException}, which the retry layer also retries).
     */
    static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler, String what)
            throws IOException {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw e;
        } catch (IOException e) {
            throw new TransientTargetException("Swift: " + what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while trying to " + what);
        }
    }

    /** Timeouts, throttling (429, and 498 from Swift's ratelimit) and server errors may pass if tried again. */
    static boolean isTransient(int status) {
        return status == 408 || status == 429 || status == 498 || status >= 500;
    }

    static String excerpt(String body) {
        String flat = body == null ? "" : body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }

    static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
