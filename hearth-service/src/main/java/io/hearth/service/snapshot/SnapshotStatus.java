package io.hearth.service.snapshot;

import io.hearth.service.error.ServiceException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Cinder's snapshot statuses and their moves, in one place. */
public enum SnapshotStatus {
    CREATING("creating"),
    AVAILABLE("available"),
    DELETING("deleting"),
    ERROR("error"),
    ERROR_DELETING("error_deleting"),
    BACKING_UP("backing-up"),
    /** The volume is being reverted to this snapshot. */
    RESTORING("restoring");

    private static final Map<SnapshotStatus, Set<SnapshotStatus>> MOVES = Map.of(
            CREATING, EnumSet.of(AVAILABLE, ERROR),
            AVAILABLE, EnumSet.of(DELETING, BACKING_UP, RESTORING),
            DELETING, EnumSet.of(ERROR_DELETING),
            ERROR, EnumSet.of(DELETING),
            ERROR_DELETING, EnumSet.of(DELETING),
            BACKING_UP, EnumSet.of(AVAILABLE),
            // A revert ends with the snapshot available whether it worked or not: the snapshot itself is untouched.
            RESTORING, EnumSet.of(AVAILABLE));

    private final String wire;

    SnapshotStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public boolean canMoveTo(SnapshotStatus next) {
        return MOVES.get(this).contains(next);
    }

    public static SnapshotStatus fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire.equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> ServiceException.badRequest("Invalid snapshot status: " + value));
    }
}
