package io.hearth.service.auth;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * Who is calling: the identity every service method receives.
 *
 * @param admin whether the policy's {@code context_is_admin} rule holds, which lets the caller see every project
 * @param requestId this request's {@code req-<uuid>} (cinder's x-openstack-request-id), which user messages about
 *     its outcome name
 */
public record RequestContext(Identity identity, boolean admin, String requestId) {
    public RequestContext {
        requireNonNull(identity, "identity is null");
        requireNonNull(requestId, "requestId is null");
    }

    public String userId() {
        return identity.userId();
    }

    public String projectId() {
        return identity.projectId();
    }

    public static String newRequestId() {
        return "req-" + UUID.randomUUID();
    }
}
