package io.hearth.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Plain text tables for people; --json gives the API's own JSON for programs. */
public final class Tables {
    private Tables() {}

    public static void rows(PrintWriter out, JsonNode items, List<String> columns) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(columns);
        for (JsonNode item : items) {
            rows.add(columns.stream().map(c -> text(item.get(c))).toList());
        }
        int[] widths = new int[columns.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(String.format("%-" + widths[i] + "s", row.get(i))).append(i + 1 < row.size() ? "  " : "");
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    public static void fields(PrintWriter out, JsonNode object) {
        int width = 0;
        for (var entry : object.properties()) {
            width = Math.max(width, entry.getKey().length());
        }
        for (var entry : object.properties()) {
            if (!entry.getKey().equals("links")) {
                out.println(String.format("%-" + width + "s  %s", entry.getKey(), text(entry.getValue())));
            }
        }
        out.flush();
    }

    static String text(JsonNode value) {
        if (value == null || value.isNull()) {
            return "-";
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
