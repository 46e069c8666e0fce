package io.hearth.service.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Map;
import java.util.TreeMap;

/** The service's one JSON mapper (configured once, never changed: safe to share) and metadata column helpers. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private static final TypeReference<TreeMap<String, String>> STRING_MAP = new TypeReference<>() {};

    private Json() {}

    public static String metadata(Map<String, String> metadata) {
        try {
            return MAPPER.writeValueAsString(new TreeMap<>(metadata == null ? Map.of() : metadata));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, String> metadata(String column) {
        try {
            return column == null ? Map.of() : Map.copyOf(MAPPER.readValue(column, STRING_MAP));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored metadata is not JSON: " + column, e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
