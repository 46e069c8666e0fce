package io.hearth.service.api;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The scheme and host that links in answers name. Behind a proxy that terminates TLS or listens under another name, the
 * request Hearth sees is not the one the client made; the proxy says what it was in {@code X-Forwarded-Proto},
 * {@code X-Forwarded-Host} or RFC 7239's {@code Forwarded}. Those headers are believed only when the operator says a
 * proxy sets them ({@code [oslo_middleware] enable_proxy_headers_parsing}, off by default as in cinder): otherwise any
 * client could make the API hand out links to a host of its choosing.
 */
final class ProxyHeaders {
    private static final Pattern HOST = Pattern.compile("^([A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\])(:\\d{1,5})?$");

    private final boolean trusted;

    ProxyHeaders(boolean trusted) {
        this.trusted = trusted;
    }

    String baseUrl(Context ctx) {
        if (!trusted) {
            return ctx.scheme() + "://" + ctx.host();
        }
        Optional<String> forwarded = Optional.ofNullable(ctx.header("Forwarded"));
        String scheme = first(ctx.header("X-Forwarded-Proto"))
                .or(() -> forwarded.flatMap(value -> parameter(value, "proto")))
                .map(value -> value.toLowerCase(Locale.ROOT))
                .filter(value -> value.equals("http") || value.equals("https"))
                .orElse(ctx.scheme());
        // Only a host[:port] reaches the links: anything else a client put there is ignored.
        String host = first(ctx.header("X-Forwarded-Host"))
                .or(() -> forwarded.flatMap(value -> parameter(value, "host")))
                .filter(value -> HOST.matcher(value).matches())
                .orElse(ctx.host());
        return scheme + "://" + host;
    }

    /** The first of a comma-separated list: the value the proxy nearest the client wrote. */
    private static Optional<String> first(String header) {
        return Optional.ofNullable(header).map(value -> value.split(",", 2)[0].strip()).filter(value -> !value.isEmpty());
    }

    /** A parameter of the first element of a {@code Forwarded} header ({@code for=…;proto=https;host=api.example}). */
    private static Optional<String> parameter(String header, String name) {
        for (String pair : header.split(",", 2)[0].split(";")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).strip().equalsIgnoreCase(name)) {
                String value = pair.substring(equals + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
