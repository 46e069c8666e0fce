package io.hearth.service.auth;

import static java.util.Objects.requireNonNull;

/** Who is calling: the identity every service method receives. */
public record RequestContext(String userId, String projectId, boolean admin) {
    public RequestContext {
        requireNonNull(userId, "userId is null");
        requireNonNull(projectId, "projectId is null");
    }
}
