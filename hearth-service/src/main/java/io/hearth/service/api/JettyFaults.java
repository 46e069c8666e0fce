package io.hearth.service.api;

import io.hearth.service.db.Json;
import io.hearth.service.error.ErrorKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Cinder's JSON faults for what Jetty refuses before the API sees it (a URI too long or ambiguous, {@code %00} or a bad
 * escape in the path, headers too large, a malformed request line), instead of Jetty's HTML page: every answer of the
 * API is JSON a client can read.
 */
final class JettyFaults extends ErrorHandler {
    /** Jetty writes error bodies for GET, POST and HEAD only; the API's clients read faults of PUT and DELETE too. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback)
            throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    /** Requests so malformed that Jetty answers before making a request of them. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(body(status, reason));
    }

    private static byte[] body(int code, String reason) {
        ErrorKind kind = Faults.kind(code);
        String message = "The request was refused before it reached the API: " + (reason == null || reason.isBlank() ? "HTTP " + code : reason)
                + ".";
        // The code stays Jetty's (414, 431, …); the fault's name is the nearest of cinder's.
        return Json.write(Map.of(Faults.name(kind), new Faults.Fault(code, message, null))).getBytes(StandardCharsets.UTF_8);
    }
}
