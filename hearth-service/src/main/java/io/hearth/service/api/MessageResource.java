package io.hearth.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.service.error.ServiceException;
import io.hearth.service.message.Message;
import io.hearth.service.message.UserMessages;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** HTTP handlers for /messages (microversion 3.3; filters, sorting and pages from 3.5), as cinder's MessagesController. */
final class MessageResource {
    /** Cinder's resource_filters.json for messages: the columns a list may be filtered on. */
    private static final Set<String> FILTERS = Set.of("resource_uuid", "resource_type", "event_id", "request_id", "message_level");

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record View(@JsonProperty("id") String id, @JsonProperty("event_id") String eventId, @JsonProperty("user_message") String userMessage,
            @JsonProperty("message_level") String messageLevel, @JsonProperty("created_at") String createdAt,
            @JsonProperty("guaranteed_until") String guaranteedUntil,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("request_id") String requestId,
            @JsonProperty("links") List<Link> links, @JsonProperty("resource_type") String resourceType,
            @JsonProperty("resource_uuid") String resourceUuid) {}

    record One(@JsonProperty("message") View message) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Many(@JsonProperty("messages") List<View> messages, @JsonProperty("messages_links") List<Link> links) {}

    private final UserMessages messages;
    private final int maxLimit;

    MessageResource(UserMessages messages, int maxLimit) {
        this.messages = messages;
        this.maxLimit = maxLimit;
    }

    void show(Context ctx, RequestScope scope, String id) {
        requireMessages(scope);
        Api.json(ctx, 200, new One(view(scope, messages.get(scope.context(), id))));
    }

    void delete(Context ctx, RequestScope scope, String id) {
        requireMessages(scope);
        messages.delete(scope.context(), id);
        ctx.status(204);
    }

    void list(Context ctx, RequestScope scope) {
        requireMessages(scope);
        if (!scope.version().atLeast(ApiVersion.MESSAGES_PAGINATION)) {
            // Before 3.5 cinder reads no query parameter here: every message, newest first.
            ListParams all = ListParams.parse(Map.of(), maxLimit, scope.version());
            write(ctx, scope, all, messages.list(scope.context(), Map.of()));
            return;
        }
        ListParams params = ListParams.parse(ctx.queryParamMap(), maxLimit, scope.version());
        Map<String, String> columns = new LinkedHashMap<>();
        boolean unknown = false;
        for (Map.Entry<String, String> filter : params.filters().entrySet()) {
            if (FILTERS.contains(filter.getKey())) {
                columns.put(filter.getKey(), filter.getValue());
            } else if (!scope.context().admin() && scope.version().atLeast(ApiVersion.RESOURCE_FILTER)) {
                throw ServiceException.badRequest("Invalid filters " + filter.getKey() + " are found in query options.");
            } else {
                // Cinder's query matches nothing on a column the message has not.
                unknown = true;
            }
        }
        write(ctx, scope, params, unknown ? List.of() : messages.list(scope.context(), columns));
    }

    private void write(Context ctx, RequestScope scope, ListParams params, List<Message> rows) {
        Map<String, Function<Message, Comparable<?>>> sortable = new LinkedHashMap<>();
        sortable.put("created_at", Message::createdAt);
        sortable.put("id", Message::id);
        sortable.put("event_id", Message::eventId);
        sortable.put("message_level", Message::messageLevel);
        sortable.put("request_id", m -> m.requestId() == null ? "" : m.requestId());
        sortable.put("resource_type", m -> m.resourceType() == null ? "" : m.resourceType());
        sortable.put("resource_uuid", m -> m.resourceUuid() == null ? "" : m.resourceUuid());
        sortable.put("expires_at", Message::expiresAt);
        ListParams.Page<Message> page = params.page(rows, sortable, Message::id, "message");
        List<Link> next = null;
        if (page.more() && !page.items().isEmpty()) {
            next = List.of(new Link(Api.nextLink(ctx, scope, "messages", page.items().getLast().id()), "next"));
        }
        Api.json(ctx, 200, new Many(page.items().stream().map(m -> view(scope, m)).toList(), next));
    }

    private static View view(RequestScope scope, Message m) {
        return new View(m.id(), m.eventId(), m.userMessage(), m.messageLevel(), Bodies.time(m.createdAt()), Bodies.time(m.expiresAt()),
                m.requestId(), Link.of(scope, "messages", m.id()), m.resourceType(), m.resourceUuid());
    }

    /** Cinder has no /messages before 3.3: the router answers as for any unknown path. */
    private static void requireMessages(RequestScope scope) {
        if (!scope.version().atLeast(ApiVersion.MESSAGES)) {
            throw ServiceException.notFound("The resource could not be found.");
        }
    }
}
