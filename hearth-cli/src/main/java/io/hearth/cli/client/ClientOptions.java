package io.hearth.cli.client;

import picocli.CommandLine.Option;

/** Where the API is and who calls it: --url / HEARTH_URL and --token / OS_TOKEN. */
public final class ClientOptions {
    @Option(names = "--url", paramLabel = "URL", description = "API endpoint (default: $HEARTH_URL or http://127.0.0.1:8776).")
    private String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Auth token; noauth takes user:project (default: $OS_TOKEN or admin:admin).")
    private String token;

    /** How answers are printed. */
    public enum Format { table, json }

    @Option(names = "--format", paramLabel = "FORMAT", description = "table (for people, the default) or json (the API's own JSON, for programs).")
    private Format format = Format.table;

    @Option(names = "--json", description = "The same as --format json.")
    private boolean json;

    public ApiClient client() {
        String endpoint = url != null ? url : System.getenv().getOrDefault("HEARTH_URL", "http://127.0.0.1:8776");
        String auth = token != null ? token : System.getenv().getOrDefault("OS_TOKEN", "admin:admin");
        return new ApiClient(endpoint, auth);
    }

    public boolean json() {
        return json || format == Format.json;
    }
}
