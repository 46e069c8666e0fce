package io.hearth.service.message;

import java.time.Instant;

/**
 * A user message (cinder's messages table): the outcome of an asynchronous request, told with predefined fields
 * only (no exception text reaches the user). {@code eventId} is {@code VOLUME_<resource type>_<action id>_<detail
 * id>}; the message is kept at least until {@code expiresAt} ({@code guaranteed_until}).
 */
public record Message(String id, String projectId, String requestId, String resourceType, String resourceUuid, String eventId,
        String actionId, String detailId, String messageLevel, Instant createdAt, Instant expiresAt) {

    /** Cinder's user_message: the action's text and the detail's, as {@code action:detail}. */
    public String userMessage() {
        return MessageAction.text(actionId) + ":" + MessageDetail.text(detailId);
    }
}
