package io.hearth.service.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.service.auth.RequestContext;
import io.hearth.service.db.Json;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per mutating API call, refused ones included, on the logger {@value #LOGGER}: who (user and project,
 * none when the token was refused), what (method and path) and the result (HTTP status). JSON keeps a hostile path
 * or token from forging lines.
 */
public final class AuditLog {
    public static final String LOGGER = "hearth.audit";
    static final String CALLER = "hearth.caller";
    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** One audit line. */
    public record Entry(@JsonProperty("time") Instant time, @JsonProperty("user_id") String userId,
            @JsonProperty("project_id") String projectId, @JsonProperty("method") String method, @JsonProperty("path") String path,
            @JsonProperty("status") int status) {}

    private final Consumer<String> sink;

    /** @param sink receives each line; {@link #toLogger()} in production */
    public AuditLog(Consumer<String> sink) {
        this.sink = sink;
    }

    public static AuditLog toLogger() {
        Logger logger = LoggerFactory.getLogger(LOGGER);
        return new AuditLog(logger::info);
    }

    void record(Context ctx) {
        String method = ctx.method().name();
        if (!MUTATING.contains(method)) {
            return;
        }
        RequestContext caller = ctx.attribute(CALLER);
        sink.accept(Json.write(new Entry(Instant.now(), caller == null ? null : caller.userId(),
                caller == null ? null : caller.projectId(), method, ctx.path(), ctx.statusCode())));
    }
}
