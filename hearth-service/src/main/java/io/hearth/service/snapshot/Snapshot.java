package io.hearth.service.snapshot;

import java.time.Instant;
import java.util.Map;

/** A snapshot row; {@code temporary} marks the ones a forced backup takes and removes. */
public record Snapshot(
        String id,
        String projectId,
        String userId,
        String volumeId,
        String name,
        String description,
        int size,
        SnapshotStatus status,
        Map<String, String> metadata,
        boolean temporary,
        Instant createdAt,
        Instant updatedAt) {}
