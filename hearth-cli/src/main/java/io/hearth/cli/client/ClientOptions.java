package io.hearth.cli.client;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the API is and who calls it: --url / HEARTH_URL, --token / OS_TOKEN, and --os-cacert / OS_CACERT for HTTPS. */
public final class ClientOptions {
    @Option(names = "--url", paramLabel = "URL", description = "API endpoint (default: $HEARTH_URL or http://127.0.0.1:8776).")
    private String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Auth token; noauth takes user:project (default: $OS_TOKEN or admin:admin).")
    private String token;

    @Option(names = "--os-cacert", paramLabel = "FILE", description = "PEM file of the CAs to trust for an https:// URL, as openstack's"
            + " option (default: $OS_CACERT, else the JDK's trusted CAs).")
    private Path caCert;

    /** How answers are printed. */
    public enum Format { table, json }

    @Option(names = "--format", paramLabel = "FORMAT", description = "table (for people, the default) or json (the API's own JSON, for programs).")
    private Format format = Format.table;

    @Option(names = "--json", description = "The same as --format json.")
    private boolean json;

    public ApiClient client() {
        String endpoint = url != null ? url : System.getenv().getOrDefault("HEARTH_URL", "http://127.0.0.1:8776");
        String auth = token != null ? token : System.getenv().getOrDefault("OS_TOKEN", "admin:admin");
        String ca = caCert != null ? caCert.toString() : System.getenv("OS_CACERT");
        return new ApiClient(endpoint, auth, ca == null || ca.isBlank() ? Optional.empty() : Optional.of(Path.of(ca)));
    }

    public boolean json() {
        return json || format == Format.json;
    }
}
