package io.hearth.service.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.db.Json;
import io.hearth.service.error.ServiceException;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.regex.Pattern;

/** Request body parsing and cinder's field checks (jsonschema's messages, where cinder has them). */
final class Bodies {
    private static final Pattern UUID = Pattern.compile("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$");
    private static final Pattern METADATA_KEY = Pattern.compile("^[a-zA-Z0-9-_:. /]{1,255}$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private Bodies() {}

    /** Parses the body into {@code type}; malformed JSON, wrong types and unknown fields reach {@link Faults} as Jackson errors. */
    static <T> T read(Context ctx, Class<T> type) throws IOException {
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            throw ServiceException.badRequest("Missing request body: this request needs a JSON body.");
        }
        T value = Json.MAPPER.readValue(body, type);
        if (value == null) {
            throw ServiceException.badRequest("The request body must be a JSON object, not null.");
        }
        return value;
    }

    static <T> T required(T value, String field) {
        if (value == null) {
            throw ServiceException.badRequest("Invalid input for field/attribute " + field + ". '" + field + "' is a required property");
        }
        return value;
    }

    static String uuid(String value, String field) {
        if (value != null && !UUID.matcher(value).matches()) {
            throw ServiceException.badRequest("Invalid input for field/attribute " + field + ". Value: " + value + ". '" + value
                    + "' is not a 'uuid'");
        }
        return value;
    }

    /** Name or description: stripped, at most 255 characters. */
    static String text(String value, String field) {
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        if (stripped.length() > 255) {
            throw ServiceException.badRequest("Invalid input for field/attribute " + field + ". Value: " + value
                    + ". It is longer than 255 characters.");
        }
        return stripped;
    }

    static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata == null) {
            return null;
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            if (!METADATA_KEY.matcher(entry.getKey()).matches()) {
                throw ServiceException.badRequest("Invalid input for field/attribute metadata. Value: " + metadata + ". '" + entry.getKey()
                        + "' does not match any of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'");
            }
            if (entry.getValue() == null || entry.getValue().length() > 255) {
                throw ServiceException.badRequest("Invalid input for field/attribute metadata. The value of '" + entry.getKey()
                        + "' must be a string of at most 255 characters.");
            }
        }
        return metadata;
    }

    /** Cinder's boolean: a JSON boolean or one of the strings oslo's bool_from_string knows. */
    static boolean bool(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            switch (node.textValue().strip().toLowerCase()) {
                case "1", "t", "true", "on", "y", "yes" -> {
                    return true;
                }
                case "0", "f", "false", "off", "n", "no" -> {
                    return false;
                }
                default -> { }
            }
        }
        throw ServiceException.badRequest("Invalid input for field/attribute " + field + ". Value: " + node + ". " + node
                + " is not of type 'boolean', 'string'");
    }

    /** Refuses a field the request's microversion does not have yet, as cinder's schema does. */
    static void notBefore(Object value, ApiVersion required, ApiVersion actual, String parent, String field) {
        if (value != null && !actual.atLeast(required)) {
            throw ServiceException.badRequest("Invalid input for field/attribute " + parent + ". Additional properties are not allowed ('"
                    + field + "' was unexpected)");
        }
    }

    static String time(Instant instant) {
        return instant == null ? null : TIME.format(instant);
    }
}
