package io.hearth.target.swift;

import io.hearth.engine.HearthException;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.RetryPolicy;
import io.hearth.engine.target.RetryingTarget;
import io.hearth.engine.target.TargetErrorListener;
import io.hearth.engine.target.TargetFactory;
import io.hearth.engine.target.TargetLocation;
import io.hearth.engine.target.TargetOptions;
import io.hearth.engine.target.TargetProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code swift://container/prefix}, and cinder's {@code SwiftBackupDriver} with its options: {@code backup_swift_container}
 * (default {@code volumebackups}), {@code backup_swift_auth_url}, {@code backup_swift_auth_version} (1: tempauth, 3:
 * Keystone v3), {@code backup_swift_user}, {@code backup_swift_key}, {@code backup_swift_user_domain},
 * {@code backup_swift_project} (or {@code backup_swift_tenant}), {@code backup_swift_project_domain},
 * {@code swift_catalog_info}, {@code backup_swift_url}, {@code backup_swift_retry_attempts},
 * {@code backup_swift_retry_backoff}, {@code backup_swift_auth_insecure}, {@code backup_swift_ca_cert_file}. Hearth's
 * own: {@code backup_swift_max_connections} (requests in flight, default 8) and {@code backup_swift_timeout} (seconds
 * per request, default 120).
 */
public final class SwiftTargetFactory implements TargetFactory {
    private static final Pattern CONTAINER = Pattern.compile("[A-Za-z0-9._-]{1,256}");

    @Override
    public String scheme() {
        return "swift";
    }

    @Override
    public List<String> cinderDrivers() {
        return List.of("cinder.backup.drivers.swift.SwiftBackupDriver", "cinder.backup.drivers.swift");
    }

    @Override
    public TargetLocation locationFromOptions(TargetOptions options) {
        return new TargetLocation("swift", checkContainer(options.get("backup_swift_container", "volumebackups")), "");
    }

    private static String checkContainer(String container) {
        if (!CONTAINER.matcher(container).matches()) {
            throw HearthException.badInput("Swift container name '" + container + "' may hold only letters, digits, '.', '_' "
                    + "and '-' (check backup_swift_container or the repository URL)");
        }
        return container;
    }

    @Override
    public BackupTarget open(TargetLocation location, TargetOptions options, TargetErrorListener errors) throws IOException {
        String container = checkContainer(location.authority());
        Duration timeout = options.seconds("backup_swift_timeout", Duration.ofSeconds(120));
        SwiftAuth auth = auth(options, timeout);
        HttpClient http = SwiftTls.configure(HttpClient.newBuilder(), options)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        SwiftClient client = new SwiftClient(http, auth, timeout);
        int connections = options.integer("backup_swift_max_connections", 8, 1, 256);
        // cinder counts retries after the first try, and backs off from backup_swift_retry_backoff seconds (doubling).
        int retries = options.integer("backup_swift_retry_attempts", 3, 0, 100);
        Duration backoff = options.seconds("backup_swift_retry_backoff", Duration.ofSeconds(2));
        RetryPolicy policy = new RetryPolicy(retries + 1, backoff, backoff.multipliedBy(32));
        try {
            // Fails here, with the option to fix, when the credentials or the permissions are wrong.
            client.ensureContainer(container);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        return new RetryingTarget(new SwiftTarget(client, container, location.path(),
                new TargetProperties(location.toString(), connections)), policy, errors);
    }

    static SwiftAuth auth(TargetOptions options, Duration timeout) {
        String mode = options.get("backup_swift_auth", "single_user");
        if (!mode.equals("single_user")) {
            // per_user forwards the token of the user who asked for the backup; Hearth's service has no such token.
            throw HearthException.badInput("backup_swift_auth = " + mode + " is not supported: Hearth keeps backups with its own "
                    + "Swift account; set backup_swift_auth = single_user with backup_swift_user and backup_swift_key");
        }
        if (options.get("backup_swift_auth_url").isEmpty()) {
            throw HearthException.badInput("option backup_swift_auth_url (or environment variable BACKUP_SWIFT_AUTH_URL) is "
                    + "required: the auth URL (…/auth/v1.0 for auth version 1, the Keystone URL for version 3); Hearth has no "
                    + "request catalog to take it from, so keystone_catalog_info cannot stand in for it");
        }
        URI authUrl = uri(options, "backup_swift_auth_url").orElseThrow();
        String user = options.required("backup_swift_user", "the Swift or Keystone user to store backups as");
        String key = options.required("backup_swift_key", "the password or key of backup_swift_user");
        Optional<URI> storageUrl = uri(options, "backup_swift_url");
        String version = options.get("backup_swift_auth_version", "1");
        return switch (version) {
            case "1", "1.0" -> new TempAuth(authUrl, user, key, storageUrl, timeout);
            case "3", "3.0" -> new KeystoneV3Auth(authUrl, user, options.get("backup_swift_user_domain", "Default"), key,
                    options.get("backup_swift_project").or(() -> options.get("backup_swift_tenant")).orElseThrow(() ->
                            HearthException.badInput("option backup_swift_project (or backup_swift_tenant) is required with "
                                    + "backup_swift_auth_version = 3: the project to scope the token to")),
                    options.get("backup_swift_project_domain", "Default"),
                    KeystoneV3Auth.CatalogInfo.parse("swift_catalog_info", options.get("swift_catalog_info", "object-store:swift:publicURL")),
                    storageUrl, timeout);
            default -> throw HearthException.badInput("backup_swift_auth_version = " + version + " is not supported; use 1 (tempauth) "
                    + "or 3 (Keystone v3)");
        };
    }

    private static Optional<URI> uri(TargetOptions options, String name) {
        return options.get(name).map(text -> {
            try {
                URI uri = new URI(text);
                if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                    throw new java.net.URISyntaxException(text, "not an http or https URL");
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                throw HearthException.badInput("option " + name + " must be an http(s) URL, not '" + text + "'");
            }
        });
    }
}
