package io.hearth.service.rpc;

/** Cinder's topic names. */
public final class Topics {
    public static final String SCHEDULER = "cinder-scheduler";
    public static final String VOLUME = "cinder-volume";
    public static final String BACKUP = "cinder-backup";

    private Topics() {}

    /** The topic of one host's service, as oslo.messaging's {@code topic.server}: a cast there reaches that host only. */
    public static String onHost(String topic, String host) {
        return topic + "." + host;
    }
}
