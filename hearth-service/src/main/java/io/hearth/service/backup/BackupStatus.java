package io.hearth.service.backup;

import io.hearth.service.error.ServiceException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Cinder's backup statuses and, in one place, the moves between them (reference §2.1). */
public enum BackupStatus {
    CREATING("creating"),
    AVAILABLE("available"),
    DELETING("deleting"),
    ERROR("error"),
    RESTORING("restoring"),
    ERROR_DELETING("error_deleting"),
    DELETED("deleted");

    private static final Map<BackupStatus, Set<BackupStatus>> MOVES = Map.of(
            CREATING, EnumSet.of(AVAILABLE, ERROR, DELETING),
            AVAILABLE, EnumSet.of(DELETING, RESTORING),
            ERROR, EnumSet.of(DELETING),
            DELETING, EnumSet.of(DELETED, ERROR, ERROR_DELETING),
            RESTORING, EnumSet.of(AVAILABLE, ERROR),
            ERROR_DELETING, EnumSet.of(DELETING),
            DELETED, EnumSet.of(CREATING));

    private final String wire;

    BackupStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public boolean canMoveTo(BackupStatus next) {
        return MOVES.get(this).contains(next);
    }

    public static BackupStatus fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire.equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> ServiceException.badRequest("Invalid backup status: " + value));
    }
}
