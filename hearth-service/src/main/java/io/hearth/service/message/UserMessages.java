package io.hearth.service.message;

import io.hearth.service.auth.ProjectScope;
import io.hearth.service.auth.RequestContext;
import io.hearth.service.error.ServiceException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cinder's message API: services record why an asynchronous request failed; users read and delete their project's
 * messages (an admin reads every project's, as cinder's project_only query lets it); expired ones are reaped.
 */
public final class UserMessages {
    private static final Logger LOG = LoggerFactory.getLogger(UserMessages.class);
    private static final String ERROR = "ERROR";

    private final MessageDao messages;
    private final ProjectScope scope;
    private final Duration ttl;
    private final Clock clock;

    /** @param ttl how long a message is kept at least ({@code message_ttl}) */
    public UserMessages(MessageDao messages, ProjectScope scope, Duration ttl, Clock clock) {
        this.messages = messages;
        this.scope = scope;
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * Records an error message about {@code resourceUuid}. As in cinder, failing to record is logged and never fails
     * the work that reports it.
     *
     * @param requestId the request whose outcome this is; null when the work was asked again by a recovery
     */
    public void recordError(String projectId, String requestId, MessageAction action, MessageResourceType resourceType,
            String resourceUuid, MessageDetail detail) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Message message = new Message(UUID.randomUUID().toString(), projectId, requestId, resourceType.name(), resourceUuid,
                "VOLUME_" + resourceType.name() + "_" + action.id() + "_" + detail.id(), action.id(), detail.id(), ERROR, now,
                now.plus(ttl));
        try {
            messages.insert(message);
        } catch (RuntimeException e) {
            LOG.error("recording user message {} about {} {} failed", message.eventId(), resourceType, resourceUuid, e);
        }
    }

    public Message get(RequestContext context, String id) {
        return messages.find(id).filter(m -> scope.canSee(context, m.projectId()))
                .orElseThrow(() -> ServiceException.notFound("Message " + id + " could not be found."));
    }

    /** The caller's project's messages matching every filter (column → value); every project's for an admin. */
    public List<Message> list(RequestContext context, Map<String, String> filters) {
        return messages.list(scope.listScope(context, true), filters);
    }

    public void delete(RequestContext context, String id) {
        messages.delete(get(context, id).id());
    }

    /** Removes the messages past their {@code guaranteed_until} (cinder's cleanup_expired_messages). */
    public int reapExpired() {
        int reaped = messages.deleteExpired(clock.instant());
        if (reaped > 0) {
            LOG.info("Deleted {} expired messages.", reaped);
        }
        return reaped;
    }
}
