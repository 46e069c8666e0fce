package io.hearth.service.rpc;

import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** cinder.conf's {@code transport_url}: {@code rabbit://user:password@host:port/virtual_host}. */
public record TransportUrl(String host, int port, String username, String password, String virtualHost) {

    /** A factory for connections to this broker, with the client's defaults. */
    public ConnectionFactory connectionFactory() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        return factory;
    }

    @Override
    public String toString() {
        // Never the password: this ends up in logs.
        return "rabbit://" + username + "@" + host + ":" + port + "/" + (virtualHost.equals("/") ? "" : virtualHost);
    }

    public static TransportUrl parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("transport_url is not a URL: " + e.getMessage());
        }
        if (!"rabbit".equals(uri.getScheme())) {
            throw new IllegalArgumentException("transport_url must start with rabbit://, not " + uri.getScheme() + "://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("transport_url names no host: rabbit://user:password@host:5672/");
        }
        String username = "guest";
        String password = "guest";
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            username = decode(parts[0]);
            password = parts.length == 2 ? decode(parts[1]) : "";
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        // As in oslo.messaging: no path or "/" is the default virtual host "/"; "/name" is "name".
        String virtualHost = path.isEmpty() || path.equals("/") ? "/" : decode(path.substring(1));
        return new TransportUrl(uri.getHost(), uri.getPort() == -1 ? 5672 : uri.getPort(), username, password, virtualHost);
    }

    private static String decode(String part) {
        // Percent-decoding only: a '+' in a password is a plus, not a space.
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
