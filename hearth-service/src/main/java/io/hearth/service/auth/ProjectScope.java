package io.hearth.service.auth;

import io.hearth.service.error.ServiceException;
import java.util.Optional;

/**
 * The one place project isolation is decided: a caller sees what its project owns; an admin sees everything.
 * Resources of other projects are reported as not found, as cinder does, so their existence does not leak.
 * What a caller may do with what it sees is the policy's business ({@code io.hearth.service.policy.Policy}).
 */
public final class ProjectScope {
    public boolean canSee(RequestContext context, String ownerProjectId) {
        return context.admin() || context.projectId().equals(ownerProjectId);
    }

    /** The project a list is limited to: the caller's, or none for an admin asking for all tenants. */
    public Optional<String> listScope(RequestContext context, boolean allTenants) {
        return context.admin() && allTenants ? Optional.empty() : Optional.of(context.projectId());
    }

    /** The caller must act within the project named in the URL (admins may act anywhere). */
    public void requireUrlProject(RequestContext context, Optional<String> urlProjectId) {
        if (urlProjectId.isPresent() && !context.admin() && !urlProjectId.get().equals(context.projectId())) {
            throw ServiceException.badRequest("Malformed request url");
        }
    }
}
