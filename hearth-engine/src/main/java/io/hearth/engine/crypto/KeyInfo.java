package io.hearth.engine.crypto;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** What {@code hearth repo key list} shows of a key: never the key. */
public record KeyInfo(@JsonProperty("id") String id, @JsonProperty("kind") String kind,
        @JsonProperty("created_at") Instant createdAt) {}
