package io.hearth.service.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages on the wire: each record as JSON, named by its simple class name. Only the records of the sealed
 * message interfaces given at construction can be read back, so a message can never name an arbitrary class.
 */
public final class MessageCodec {
    private final ObjectMapper mapper;
    private final Map<String, Class<? extends Record>> types = new HashMap<>();

    /** {@code families}: sealed interfaces whose permitted subclasses are the message records. */
    public MessageCodec(ObjectMapper mapper, List<Class<?>> families) {
        this.mapper = mapper;
        for (Class<?> family : families) {
            if (!family.isSealed()) {
                throw new IllegalArgumentException(family.getName() + " is not a sealed message interface");
            }
            for (Class<?> type : family.getPermittedSubclasses()) {
                if (!type.isRecord()) {
                    throw new IllegalArgumentException(type.getName() + " is not a record");
                }
                Class<? extends Record> previous = types.putIfAbsent(type.getSimpleName(), type.asSubclass(Record.class));
                if (previous != null) {
                    throw new IllegalArgumentException("two messages are named " + type.getSimpleName() + ": "
                            + previous.getName() + " and " + type.getName());
                }
            }
        }
    }

    public String typeName(Record message) {
        String name = message.getClass().getSimpleName();
        if (types.get(name) != message.getClass()) {
            throw new IllegalArgumentException(message.getClass().getName() + " is not a known message");
        }
        return name;
    }

    public byte[] encode(Record message) {
        typeName(message);
        return write(message);
    }

    public Record decode(String typeName, byte[] body) {
        Class<? extends Record> type = types.get(typeName);
        if (type == null) {
            throw new IllegalArgumentException("unknown message type " + typeName);
        }
        try {
            return mapper.readValue(body, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("message " + typeName + " is not valid JSON of its record: " + e.getMessage(), e);
        }
    }

    public byte[] encodeReply(Object value) {
        return write(new Reply(mapper.valueToTree(value), null));
    }

    public byte[] encodeFailure(String topic, Throwable failure) {
        RemoteError error = failure instanceof ServiceException service
                ? new RemoteError(service.kind(), service.getMessage())
                : new RemoteError(ErrorKind.INTERNAL, topic + " failed: " + failure);
        return write(new Reply(null, error));
    }

    /** The value of a reply as {@code type}, or the remote failure thrown as a {@link ServiceException}. */
    public <R> R decodeReply(byte[] body, Class<R> type) {
        Reply reply;
        try {
            reply = mapper.readValue(body, Reply.class);
        } catch (IOException e) {
            throw new IllegalStateException("reply is not valid JSON: " + e.getMessage(), e);
        }
        if (reply.error() != null) {
            throw new ServiceException(reply.error().kind(), reply.error().message());
        }
        if (reply.value() == null || reply.value().isNull()) {
            return null;
        }
        try {
            return mapper.treeToValue(reply.value(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply is not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }

    /** A call's answer: exactly one of value and error. */
    record Reply(JsonNode value, RemoteError error) {}

    record RemoteError(ErrorKind kind, String message) {}
}
