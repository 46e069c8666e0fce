package io.hearth.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** How client commands print an API answer: the JSON as it came with --json, else a table. */
public final class ClientOutput {
    private ClientOutput() {}

    /** One resource, {@code body.key}, as name/value lines. */
    public static void fields(CommandSpec spec, ClientOptions options, JsonNode body, String key) {
        PrintWriter out = spec.commandLine().getOut();
        if (options.json()) {
            out.println(ApiClient.pretty(body));
        } else {
            Tables.fields(out, body.get(key));
        }
        out.flush();
    }

    /** A list, {@code body.key}, one row per item with the given columns. */
    public static void rows(CommandSpec spec, ClientOptions options, JsonNode body, String key, List<String> columns) {
        PrintWriter out = spec.commandLine().getOut();
        if (options.json()) {
            out.println(ApiClient.pretty(body));
        } else {
            Tables.rows(out, body.get(key), columns);
        }
        out.flush();
    }
}
