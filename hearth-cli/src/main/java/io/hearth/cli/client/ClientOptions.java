package io.hearth.cli.client;

import picocli.CommandLine.Option;

/** Where the API is and who calls it: --url / HEARTH_URL and --token / OS_TOKEN. */
public final class ClientOptions {
    @Option(names = "--url", paramLabel = "URL", description = "API endpoint (default: $HEARTH_URL or http://127.0.0.1:8776).")
    private String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Auth token; noauth takes user:project (default: $OS_TOKEN or admin:admin).")
    private String token;

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    private boolean json;

    public ApiClient client() {
        String endpoint = url != null ? url : System.getenv().getOrDefault("HEARTH_URL", "http://127.0.0.1:8776");
        String auth = token != null ? token : System.getenv().getOrDefault("OS_TOKEN", "admin:admin");
        return new ApiClient(endpoint, auth);
    }

    public boolean json() {
        return json;
    }
}
