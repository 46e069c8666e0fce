package io.hearth.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.hearth.engine.HearthException;
import io.hearth.service.db.Database;
import io.hearth.service.db.Json;
import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures become Cinder's HTTP status codes and fault JSON. */
public final class Faults {
    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);

    /** The body of a fault: {@code {"<name>": {"code": N, "message": "..."}}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Fault(@JsonProperty("code") int code, @JsonProperty("message") String message,
            @JsonProperty("retryAfter") String retryAfter) {}

    /** The largest request body, named in the answer to a larger one. */
    private final long maxBodySize;

    public Faults(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    public void handle(Throwable failure, Context ctx) {
        switch (failure) {
            case ServiceException e -> write(ctx, e.kind(), e.getMessage());
            case HttpResponseException e when e.getStatus() == 413 -> tooLarge(ctx);
            case HttpResponseException e when e.getStatus() == 404 -> write(ctx, ErrorKind.NOT_FOUND, "The resource could not be found.");
            case HttpResponseException e -> write(ctx, kind(e.getStatus()), e.getMessage());
            case HearthException e -> write(ctx, switch (e.category()) {
                case BAD_INPUT -> ErrorKind.BAD_REQUEST;
                case NOT_FOUND -> ErrorKind.NOT_FOUND;
                case CONFLICT -> ErrorKind.CONFLICT;
                case UNAVAILABLE -> ErrorKind.UNAVAILABLE;
                case CORRUPT, INTERNAL -> ErrorKind.INTERNAL;
            }, e.getMessage());
            case UnrecognizedPropertyException e -> write(ctx, ErrorKind.BAD_REQUEST,
                    "Invalid input for field/attribute " + parent(e) + ". Additional properties are not allowed ('"
                            + e.getPropertyName() + "' was unexpected)");
            case InvalidFormatException e -> write(ctx, ErrorKind.BAD_REQUEST, "Invalid input for field/attribute " + path(e)
                    + ". Value: " + e.getValue() + ". " + e.getValue() + " is not of type '" + typeName(e.getTargetType()) + "'");
            case MismatchedInputException e -> write(ctx, ErrorKind.BAD_REQUEST, "Invalid input for field/attribute " + path(e)
                    + ". " + (e.getTargetType() == null ? e.getOriginalMessage() : "Value is not of type '" + typeName(e.getTargetType()) + "'"));
            case com.fasterxml.jackson.core.exc.InputCoercionException e -> write(ctx, ErrorKind.BAD_REQUEST,
                    "Invalid input for field/attribute " + field(e) + ". " + e.getOriginalMessage());
            case com.fasterxml.jackson.databind.JsonMappingException e when e.getCause() instanceof com.fasterxml.jackson.core.JsonParseException parse ->
                    write(ctx, ErrorKind.BAD_REQUEST, "Malformed request body: " + parse.getOriginalMessage());
            case com.fasterxml.jackson.databind.JsonMappingException e -> write(ctx, ErrorKind.BAD_REQUEST,
                    "Invalid input for field/attribute " + (e.getPath().isEmpty() ? "body" : e.getPath().stream()
                            .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                            .collect(Collectors.joining("/"))) + ". " + e.getOriginalMessage());
            case JsonProcessingException e -> write(ctx, ErrorKind.BAD_REQUEST, "Malformed request body: " + e.getOriginalMessage());
            case Exception e when Database.isUnavailable(e) -> {
                LOG.warn("request {} {}: the database is unreachable: {}", ctx.method(), ctx.path(), e.getMessage());
                // A request's writes are one statement or one transaction: a request that failed here wrote all or nothing.
                write(ctx, ErrorKind.UNAVAILABLE, "The service cannot reach its database; try again in a moment.");
            }
            default -> {
                LOG.error("request {} {} failed", ctx.method(), ctx.path(), failure);
                write(ctx, ErrorKind.INTERNAL, "The server has either erred or is incapable of performing the requested operation.");
            }
        }
    }

    public void write(Context ctx, ErrorKind kind, String message) {
        int code = status(kind);
        Fault fault = new Fault(code, message, kind == ErrorKind.OVER_LIMIT ? "0" : null);
        if (kind == ErrorKind.OVER_LIMIT) {
            ctx.header("Retry-After", "0");
        }
        ctx.status(code).contentType("application/json").result(Json.write(Map.of(name(kind), fault)));
    }

    /** 413 for a body over the limit: unlike a quota's, without Retry-After, since sending it again cannot help. */
    public void tooLarge(Context ctx) {
        ctx.status(413).contentType("application/json").result(Json.write(Map.of(name(ErrorKind.OVER_LIMIT), new Fault(413,
                "Request is too large: a request body may hold at most " + maxBodySize + " bytes ([oslo_middleware] max_request_body_size).",
                null))));
    }

    /** The kind nearest an HTTP status that something other than the API's own code chose. */
    static ErrorKind kind(int status) {
        return switch (status) {
            case 401 -> ErrorKind.UNAUTHORIZED;
            case 403 -> ErrorKind.FORBIDDEN;
            case 404 -> ErrorKind.NOT_FOUND;
            case 405 -> ErrorKind.NOT_SUPPORTED;
            case 406 -> ErrorKind.NOT_ACCEPTABLE;
            case 409 -> ErrorKind.CONFLICT;
            case 413 -> ErrorKind.OVER_LIMIT;
            case 503 -> ErrorKind.UNAVAILABLE;
            default -> status >= 500 ? ErrorKind.INTERNAL : ErrorKind.BAD_REQUEST;
        };
    }

    static int status(ErrorKind kind) {
        return switch (kind) {
            case BAD_REQUEST -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case NOT_SUPPORTED -> 405;
            case NOT_ACCEPTABLE -> 406;
            case CONFLICT -> 409;
            case OVER_LIMIT -> 413;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    static String name(ErrorKind kind) {
        return switch (kind) {
            case BAD_REQUEST -> "badRequest";
            case UNAUTHORIZED -> "unauthorized";
            case FORBIDDEN -> "forbidden";
            case NOT_FOUND -> "itemNotFound";
            case NOT_SUPPORTED -> "badMethod";
            case NOT_ACCEPTABLE -> "notAcceptable";
            case CONFLICT -> "conflictingRequest";
            case OVER_LIMIT -> "overLimit";
            case UNAVAILABLE -> "serviceUnavailable";
            case INTERNAL -> "computeFault";
        };
    }

    private static String path(JsonProcessingException e) {
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                    .collect(Collectors.joining("/"));
        }
        return "body";
    }

    private static String field(com.fasterxml.jackson.core.exc.InputCoercionException e) {
        try {
            String name = e.getProcessor() == null ? null : e.getProcessor().currentName();
            return name == null ? "body" : name;
        } catch (java.io.IOException | RuntimeException ignored) {
            return "body";
        }
    }

    private static String parent(MismatchedInputException e) {
        var path = e.getPath();
        if (path.size() <= 1) {
            return "body";
        }
        return path.subList(0, path.size() - 1).stream().map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                .collect(Collectors.joining("/"));
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "object";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "integer";
        }
        if (type == String.class) {
            return "string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        }
        return "object";
    }
}
