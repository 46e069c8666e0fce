package io.hearth.service.scheduler;

import java.time.Instant;

/** A row of the services table: one service binary on one host, with its last heartbeat. */
public record ServiceRecord(int id, String host, String binary, String topic, String availabilityZone, boolean disabled,
        String disabledReason, Instant updatedAt, boolean up) {}
