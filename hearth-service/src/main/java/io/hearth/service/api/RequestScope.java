package io.hearth.service.api;

import io.hearth.service.auth.RequestContext;
import java.util.Optional;

/** What every handler needs to know about the request: who, at which microversion, under which URL. */
public record RequestScope(RequestContext context, ApiVersion version, Optional<String> urlProjectId, String baseUrl) {
    /** The project a link names: the URL's, else the caller's. */
    public String linkProject() {
        return urlProjectId.orElse(context.projectId());
    }
}
