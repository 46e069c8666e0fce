package io.hearth.service.db;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** The service's one JSON mapper (configured once, never changed: safe to share) and metadata column helpers. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(new SimpleModule("no-nul-strings").addDeserializer(String.class, new NoNulStrings()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private static final TypeReference<TreeMap<String, String>> STRING_MAP = new TypeReference<>() {};

    private Json() {}

    /** PostgreSQL cannot store a NUL character in text; H2 and MariaDB can. Refused alike on all three. */
    private static final class NoNulStrings extends StringDeserializer {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = super.deserialize(parser, context);
            if (value != null && value.indexOf('\0') >= 0) {
                throw JsonMappingException.from(parser, "It contains a NUL character, which no field may hold.");
            }
            return value;
        }
    }

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
