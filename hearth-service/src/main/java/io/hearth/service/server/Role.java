package io.hearth.service.server;

import io.hearth.service.rpc.Topics;
import java.util.Locale;

/** A part of the service a process can run; cinder's binaries, each heartbeating in the services table but the api. */
public enum Role {
    API(null),
    SCHEDULER(Topics.SCHEDULER),
    VOLUME(Topics.VOLUME),
    BACKUP(Topics.BACKUP);

    private final String topic;

    Role(String topic) {
        this.topic = topic;
    }

    /** The topic this role serves and, as in cinder, its binary name in the services table; null for the api. */
    public String topic() {
        return topic;
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
