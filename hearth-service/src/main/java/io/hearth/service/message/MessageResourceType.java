package io.hearth.service.message;

/** What a user message is about: cinder's message_field.Resource. */
public enum MessageResourceType {
    VOLUME,
    VOLUME_SNAPSHOT,
    VOLUME_BACKUP
}
