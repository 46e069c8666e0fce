package io.hearth.service.scheduler;

import java.time.Instant;
import java.util.Optional;

/**
 * A row of the services table: one service binary on one host, with its last heartbeat and, for a volume service,
 * the capacity it last reported (null before its first report and for other services).
 */
public record ServiceRecord(int id, String host, String binary, String topic, String availabilityZone, boolean disabled,
        String disabledReason, Instant updatedAt, boolean up, VolumeCapacity capacity) {

    public Optional<VolumeCapacity> reportedCapacity() {
        return Optional.ofNullable(capacity);
    }
}
