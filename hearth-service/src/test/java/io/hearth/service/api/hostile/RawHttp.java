package io.hearth.service.api.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 by hand over a socket, so a test can send what no well-behaved client would: any bytes in the path and the
 * headers, wrong lengths, bodies of any size. One request per connection ({@code Connection: close}).
 */
final class RawHttp {
    /**
     * An answer: status -1 when the server closed the connection without one; {@code headerLines} as received;
     * {@code cut} when the server closed before taking the whole request (it answered early), which may also cut
     * its answer short.
     */
    record Response(int status, List<String> headerLines, String body, boolean timedOut, boolean cut) {
        String header(String name) {
            for (String line : headerLines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }
    }

    private final int port;
    private final Duration timeout;

    RawHttp(int port, Duration timeout) {
        this.port = port;
        this.timeout = timeout;
    }

    /** A request with a Content-Length of the body (when there is one) and {@code Connection: close}. */
    Response send(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            request.writeBytes(body);
        }
        return exchange(request.toByteArray());
    }

    /** Exactly these bytes, then whatever the server answers until it closes. */
    Response exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            boolean cut = false;
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                cut = true; // the server answered and closed before reading it all: read what it said
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            boolean timedOut = false;
            try {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                timedOut = true;
            } catch (IOException e) {
                // reset by the server after its answer: keep what arrived
            }
            // Parsed byte for byte (ISO-8859-1), so chunk sizes count what they count; the body is decoded as UTF-8 at the end.
            return parse(answer.toString(StandardCharsets.ISO_8859_1), timedOut, cut);
        }
    }

    private static Response parse(String text, boolean timedOut, boolean cut) {
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return new Response(-1, List.of(), text, timedOut, cut);
        }
        String[] lines = text.substring(0, end).split("\r\n", -1);
        int status = Integer.parseInt(lines[0].substring(9, 12));
        List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(new Response(status, headers, "", false, cut).header("Transfer-Encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8), timedOut, cut);
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            body.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return body.toString();
    }
}
