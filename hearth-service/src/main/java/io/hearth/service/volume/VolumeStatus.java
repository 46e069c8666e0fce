package io.hearth.service.volume;

import io.hearth.service.error.ServiceException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Cinder's volume statuses and, in one place, which moves between them the service makes. */
public enum VolumeStatus {
    CREATING("creating"),
    AVAILABLE("available"),
    RESERVED("reserved"),
    ATTACHING("attaching"),
    IN_USE("in-use"),
    DETACHING("detaching"),
    DELETING("deleting"),
    ERROR("error"),
    ERROR_DELETING("error_deleting"),
    BACKING_UP("backing-up"),
    RESTORING_BACKUP("restoring-backup"),
    ERROR_BACKING_UP("error_backing-up"),
    ERROR_RESTORING("error_restoring"),
    EXTENDING("extending"),
    ERROR_EXTENDING("error_extending"),
    REVERTING("reverting"),
    MAINTENANCE("maintenance");

    private static final Map<VolumeStatus, Set<VolumeStatus>> MOVES = Map.ofEntries(
            Map.entry(CREATING, EnumSet.of(AVAILABLE, ERROR)),
            Map.entry(AVAILABLE, EnumSet.of(RESERVED, ATTACHING, DELETING, BACKING_UP, RESTORING_BACKUP, EXTENDING, REVERTING)),
            Map.entry(RESERVED, EnumSet.of(ATTACHING, AVAILABLE, IN_USE)),
            Map.entry(ATTACHING, EnumSet.of(IN_USE, AVAILABLE)),
            Map.entry(IN_USE, EnumSet.of(DETACHING, AVAILABLE, BACKING_UP, ATTACHING)),
            Map.entry(DETACHING, EnumSet.of(AVAILABLE, IN_USE)),
            Map.entry(DELETING, EnumSet.of(ERROR_DELETING)),
            Map.entry(ERROR, EnumSet.of(DELETING)),
            Map.entry(ERROR_DELETING, EnumSet.of(DELETING)),
            Map.entry(BACKING_UP, EnumSet.of(AVAILABLE, IN_USE)),
            Map.entry(RESTORING_BACKUP, EnumSet.of(AVAILABLE, ERROR_RESTORING)),
            Map.entry(ERROR_BACKING_UP, EnumSet.of(DELETING)),
            Map.entry(ERROR_RESTORING, EnumSet.of(DELETING, RESTORING_BACKUP)),
            Map.entry(EXTENDING, EnumSet.of(AVAILABLE, ERROR_EXTENDING)),
            Map.entry(ERROR_EXTENDING, EnumSet.of(DELETING)),
            // A revert that fails leaves the volume in error, as cinder does: its data may be half the snapshot's.
            Map.entry(REVERTING, EnumSet.of(AVAILABLE, ERROR)),
            Map.entry(MAINTENANCE, EnumSet.noneOf(VolumeStatus.class)));

    /** Statuses a volume may be deleted from (cinder's list). */
    public static final Set<VolumeStatus> DELETABLE = EnumSet.of(AVAILABLE, ERROR, ERROR_RESTORING, ERROR_EXTENDING, ERROR_DELETING);

    /** Statuses a work in progress holds; a restart must not leave a volume in one of them. */
    public static final Set<VolumeStatus> TRANSITIONAL = EnumSet.of(CREATING, ATTACHING, DETACHING, DELETING, BACKING_UP,
            RESTORING_BACKUP, EXTENDING, REVERTING);

    private final String wire;

    VolumeStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public boolean canMoveTo(VolumeStatus next) {
        return MOVES.get(this).contains(next);
    }

    public static VolumeStatus fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire.equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> ServiceException.badRequest("Invalid volume status: " + value));
    }
}
