package io.hearth.engine.target;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.HearthException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a repository lives, as a URL: {@code file:///path} (or a plain path), {@code s3://bucket/prefix},
 * {@code swift://container/prefix}, {@code gs://bucket/prefix}, {@code nfs://host/export/path}, {@code rados://pool/prefix}.
 *
 * @param scheme lower-case scheme, {@code file} for plain paths
 * @param authority the bucket, container, host or pool; empty for {@code file}
 * @param path the rest without a leading slash: the prefix inside the bucket, or the absolute directory for {@code file}
 */
public record TargetLocation(String scheme, String authority, String path) {
    public TargetLocation {
        requireNonNull(scheme, "scheme is null");
        requireNonNull(authority, "authority is null");
        requireNonNull(path, "path is null");
    }

    /** Parses a URL or a local path; anything malformed is bad input that names what is wrong. */
    public static TargetLocation parse(String text) {
        if (text == null || text.isBlank()) {
            throw HearthException.badInput("the repository location is empty");
        }
        int colon = text.indexOf("://");
        if (colon < 0) {
            return new TargetLocation("file", "", Path.of(text).toAbsolutePath().normalize().toString());
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw HearthException.badInput("repository location '" + text + "' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw HearthException.badInput("repository location '" + text + "' must not have a query or fragment");
        }
        if (uri.getUserInfo() != null) {
            // The message must not repeat the URL: it holds a secret.
            throw HearthException.badInput("a repository location must not carry credentials (user:password@); give them in "
                    + "options or the environment");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (scheme.equals("file")) {
            if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
                throw HearthException.badInput("repository location '" + text + "': a file URL has no host; write file:///path");
            }
            if (path.isEmpty()) {
                throw HearthException.badInput("repository location '" + text + "' names no directory");
            }
            return new TargetLocation("file", "", Path.of(path).normalize().toString());
        }
        String authority = uri.getAuthority();
        if (authority == null || authority.isEmpty()) {
            throw HearthException.badInput("repository location '" + text + "' names no bucket, container, host or pool; write "
                    + scheme + "://NAME/prefix");
        }
        String prefix = path.startsWith("/") ? path.substring(1) : path;
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!prefix.isEmpty()) {
            try {
                ObjectKeys.check(prefix);
            } catch (IllegalArgumentException e) {
                throw HearthException.badInput("repository location '" + text + "': the prefix '" + prefix
                        + "' may hold only letters, digits, '.', '_', '-' and '/' between names");
            }
        }
        return new TargetLocation(scheme, authority, prefix);
    }

    /** The location written back as a URL (with no secrets, since it never holds any). */
    @Override
    public String toString() {
        if (scheme.equals("file")) {
            return "file://" + (path.startsWith("/") ? "" : "/") + path;
        }
        return scheme + "://" + authority + (path.isEmpty() ? "" : "/" + path);
    }

    /** For messages: local directories as the path, the rest as the URL. */
    public String display() {
        return scheme.equals("file") ? path : toString();
    }
}
