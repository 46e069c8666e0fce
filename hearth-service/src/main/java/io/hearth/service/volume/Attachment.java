package io.hearth.service.volume;

import java.time.Instant;

/** A volume attachment (cinder's attachments API, 3.27+). {@code connector} is the client's connector JSON, or null while reserved. */
public record Attachment(
        String id,
        String volumeId,
        String projectId,
        String instanceUuid,
        String attachedHost,
        String mountpoint,
        String attachMode,
        String attachStatus,
        String connector,
        Instant createdAt,
        Instant updatedAt) {}
