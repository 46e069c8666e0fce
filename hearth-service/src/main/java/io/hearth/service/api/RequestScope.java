package io.hearth.service.api;

import io.hearth.service.auth.RequestContext;
import io.hearth.service.policy.Policy;
import java.util.Optional;

/**
 * What every handler needs to know about the request: who, at which microversion, under which URL, and the policy rules
 * in force for it (resolved once, so one request is judged by one version of a policy file).
 */
public record RequestScope(RequestContext context, ApiVersion version, Optional<String> urlProjectId, String baseUrl, Policy policy) {
    /** The project a link names: the URL's, else the caller's. */
    public String linkProject() {
        return urlProjectId.orElse(context.projectId());
    }
}
