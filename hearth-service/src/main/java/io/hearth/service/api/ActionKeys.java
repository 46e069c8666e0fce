package io.hearth.service.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hearth.service.db.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The top-level keys of an action body ({@code {"os-extend": {...}}}), read without building the body. */
final class ActionKeys {
    private ActionKeys() {}

    /** The keys up to the first malformed byte; none when the body is not a JSON object. */
    static List<String> of(byte[] body) {
        List<String> keys = new ArrayList<>();
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return keys;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                keys.add(parser.currentName());
                parser.nextToken();
                parser.skipChildren();
            }
        } catch (IOException e) {
            // A malformed body is the handler's to refuse with 400; the keys read so far are still checked.
        }
        return keys;
    }
}
