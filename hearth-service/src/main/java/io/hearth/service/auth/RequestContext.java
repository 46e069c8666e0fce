package io.hearth.service.auth;

import static java.util.Objects.requireNonNull;

/**
 * Who is calling: the identity every service method receives.
 *
 * @param admin whether the policy's {@code context_is_admin} rule holds, which lets the caller see every project
 */
public record RequestContext(Identity identity, boolean admin) {
    public RequestContext {
        requireNonNull(identity, "identity is null");
    }

    public String userId() {
        return identity.userId();
    }

    public String projectId() {
        return identity.projectId();
    }
}
