package io.hearth.service.notification;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.service.db.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One notification as oslo.messaging sends it: the message (id, publisher, event type, priority, payload, time) and,
 * on the bus, the 2.0 envelope around it ({@code {"oslo.version": "2.0", "oslo.message": "<the message as JSON>"}}).
 *
 * @param publisherId {@code backup.<host>}, as cinder's backup service publishes
 * @param timestamp in oslo's form ({@code str(utcnow())}: {@code 2026-11-24 06:50:22.123456}, UTC)
 */
public record Notification(@JsonProperty("message_id") String messageId, @JsonProperty("publisher_id") String publisherId,
        @JsonProperty("event_type") String eventType, @JsonProperty("priority") String priority,
        @JsonProperty("payload") Map<String, Object> payload, @JsonProperty("timestamp") String timestamp) {

    private static final DateTimeFormatter OSLO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);

    public enum Priority {
        INFO, ERROR;

        /** The routing key's suffix: {@code notifications.info}. */
        public String routingSuffix() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static String osloTime(Instant instant) {
        return OSLO_TIME.format(instant);
    }

    /** The message alone, one JSON line (the log driver's form). */
    public String json() {
        return Json.write(this);
    }

    /** The body the messagingv2 driver publishes. */
    public byte[] envelope() {
        Map<String, String> envelope = new LinkedHashMap<>();
        envelope.put("oslo.version", "2.0");
        envelope.put("oslo.message", json());
        return Json.write(envelope).getBytes(StandardCharsets.UTF_8);
    }
}
