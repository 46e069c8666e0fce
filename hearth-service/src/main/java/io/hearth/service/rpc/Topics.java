package io.hearth.service.rpc;

/** Cinder's topic names. */
public final class Topics {
    public static final String SCHEDULER = "cinder-scheduler";
    public static final String VOLUME = "cinder-volume";
    public static final String BACKUP = "cinder-backup";

    private Topics() {}
}
